/**
 * Cheap access to a request's parts. Under @hono/node-server, touching
 * `c.req.raw.headers` or `.body` turns its lightweight request into a full
 * WHATWG Request (measured: the largest single cost per proxied request), so
 * headers and body are read from Node's IncomingMessage (Hono's `c.env.incoming`
 * binding) when there is one, and from the Request otherwise (`app.request`).
 */
import type { IncomingMessage } from "node:http"
import type { Context } from "hono"
import type { Logger } from "pino"
import type { RequestDecoding, Route } from "@fruxkit/core"
import type { Deadline } from "./deadline.js"
import type { GatewayEnv, Principal } from "./env.js"
import type { StoredResponse } from "./idempotency/store.js"

export const incomingOf = (c: Context<GatewayEnv>): IncomingMessage | undefined => c.env?.incoming

/** A header of Node's request as one string (repeated ones joined as the Fetch API joins them). */
const joinedHeader = (value: string | Array<string> | undefined): string | undefined => (Array.isArray(value) ? value.join(", ") : value)

/** One request header (lower-case name), or undefined. */
export const header = (c: Context<GatewayEnv>, name: string): string | undefined => {
  const incoming = incomingOf(c)
  if (incoming !== undefined) return joinedHeader(incoming.headers[name])
  return c.req.raw.headers.get(name) ?? undefined
}

/** A reader of the request's headers (lower-case names), for a caller that reads several. */
export const headerReader = (c: Context<GatewayEnv>): ((name: string) => string | undefined) => {
  const incoming = incomingOf(c)
  if (incoming === undefined) {
    const headers = c.req.raw.headers
    return (name) => headers.get(name) ?? undefined
  }
  const headers = incoming.headers
  return (name) => joinedHeader(headers[name])
}

/** An event stream, a `?wait=` request, or neither. */
export type RequestKind = "stream" | "wait" | "plain"

/**
 * What the middleware record about one request, in one object of fixed
 * fields kept on the Hono context (made on first use). Hono's own
 * `c.set`/`c.get` keep variables in a Map made for each request and grown
 * as they are set (a proxied request set ten, through two regrowths), and
 * every read is a Map lookup: measured, see the README's throughput.
 */
export class RequestState {
  requestId!: string
  /** The gateway made the id (request-id's generator): nothing in it came from the client, so a log line needs no search of it. */
  requestIdGenerated = false
  /** `performance.now()` when the request reached the gateway: the state is made by its first middleware (request-id). */
  arrivedAt: number = performance.now()
  log!: Logger
  /** Set by route-match for /v1 requests. */
  match!: Route.RouteMatch
  /** Metrics label: the endpoint name, or an ops route. */
  routeName: string | undefined = undefined
  /** Set by auth for /v1 requests (unset on the operations routes, and before auth). */
  principal: Principal | undefined = undefined
  /** What kind of /v1 request this is (createGateway's `requestKind`, decided once). */
  kind: RequestKind | undefined = undefined
  /** The request body as sent (read once, within the body limit). */
  rawBody: Uint8Array | undefined = undefined
  decoded!: RequestDecoding.DecodedRequest
  /** Gateway query extensions, validated (unset: no wait, no dedupe). */
  waitMs: number | undefined = undefined
  dedupe: boolean | undefined = undefined
  /** Aborted when the request's deadline passes (timeout middleware). */
  signal: Deadline | undefined = undefined
  /**
   * The upstream's answer as it goes to the client (set by the upstream
   * route and by dedupe; replaced by a stored one on an idempotent replay),
   * for the middleware that work on it after `next()`: idempotency, the
   * secret scrub of `:evaluate`, `:evaluate?wait`.
   */
  upstreamAnswer: StoredResponse | undefined = undefined
  /** The `Idempotency-Key` the upstream is sent: the caller's key scoped to the caller (idempotency middleware); unset, none is sent. */
  upstreamIdempotencyKey: string | undefined = undefined
  /** Work kept for after the answer (pipeline.ts, `afterAnswer`), when a pipeline runs it. */
  later: Array<(c: Context<GatewayEnv>) => void> | undefined = undefined
  /** The request's own logger, once something logs (`requestLog`). */
  childLog: Logger | undefined = undefined
}

const STATE = Symbol("fruxkit request state")
type WithState = { [STATE]?: RequestState }

/** The request's state (see RequestState). */
export const requestState = (c: Context<GatewayEnv>): RequestState =>
  (c as unknown as WithState)[STATE] ?? ((c as unknown as WithState)[STATE] = new RequestState())

/**
 * Whose per-caller share a request counts against (admission's slots, the long-request cap): its caller's id
 * (auth's principal); "" before auth, as in a test of one middleware alone.
 */
export const callerShareKey = (c: Context<GatewayEnv>): string => requestState(c).principal?.id ?? ""

/**
 * The request's logger (a child carrying its request id), made on first use:
 * most requests log one access line, which carries the id itself, so a
 * child per request would be paid for nothing.
 */
export const requestLog = (c: Context<GatewayEnv>): Logger => {
  const state = requestState(c)
  return (state.childLog ??= state.log.child({ requestId: state.requestId }))
}
