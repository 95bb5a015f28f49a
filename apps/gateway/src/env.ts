/** The environment every gateway step and handler shares: its variables, and the context they are read from. */
import type { Route, RequestDecoding } from "@fruxkit/core"
import type { Logger } from "pino"
import type { AbortSignalLike } from "./deadline.js"

export interface Principal {
  /** Stable, non-secret id for logs, metrics and rate limiting (`key#2`, or the client address without keys). */
  readonly id: string
  readonly tenants: ReadonlyArray<string> | "*"
}

export interface GatewayVariables {
  requestId: string
  log: Logger
  /** Set by route-match for /v1 requests. */
  match: Route.RouteMatch
  /** Metrics label: the endpoint name, or an ops route. */
  routeName: string
  principal: Principal
  /** The request body as sent (read once, within the body limit). */
  rawBody: Uint8Array | undefined
  decoded: RequestDecoding.DecodedRequest
  /** Gateway query extensions, validated (unset: no wait, no dedupe). */
  waitMs: number | undefined
  dedupe: boolean | undefined
  /** Aborted when the request's deadline passes (timeout middleware). */
  signal: AbortSignalLike | undefined
}

export interface GatewayEnv {
  Variables: GatewayVariables
}

/**
 * What the gateway's steps and handlers use of a request's context: its
 * variables, method, path (decoded) and URL, and Node's request (`env.incoming`)
 * when there is one. Hono's `Context<GatewayEnv>` is one (the Hono routes,
 * and tests calling `app.request`); serve.ts's `DirectContext` — a /v1 call
 * straight from Node's request, no Hono — is the other.
 */
export interface ApiContext {
  get<K extends keyof GatewayVariables>(key: K): GatewayVariables[K]
  set<K extends keyof GatewayVariables>(key: K, value: GatewayVariables[K]): void
  readonly req: {
    readonly method: string
    readonly path: string
    readonly url: string
    /** The WHATWG request, read only when there is no Node request (request-context.ts). */
    readonly raw?: Request
  }
  readonly env: unknown
}
