/** The Hono environment every gateway middleware and route shares: its bindings and variables. */
import type { Route, RequestDecoding } from "@fruxkit/core"
import type { HttpBindings } from "@hono/node-server"
import type { Logger } from "pino"
import type { AbortSignalLike } from "./deadline.js"
import type { StoredResponse } from "./idempotency/store.js"

export interface Principal {
  /** Stable, non-secret id for logs, metrics and rate limiting (`key#2`, or the client address without keys). */
  readonly id: string
  readonly tenants: ReadonlyArray<string> | "*"
}

export interface GatewayVariables {
  requestId: string
  /** `performance.now()` when the request reached the gateway (request-id middleware). */
  arrivedAt: number
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
  /**
   * The upstream's answer as it goes to the client (set by the upstream
   * route and by dedupe; replaced by a stored one on an idempotent replay),
   * for the middleware that work on it after `next()`: idempotency, the
   * secret scrub of `:evaluate`, `:evaluate?wait`.
   */
  upstreamAnswer: StoredResponse | undefined
  /** The `Idempotency-Key` the upstream is sent: the caller's key scoped to the caller (idempotency middleware); unset, none is sent. */
  upstreamIdempotencyKey: string | undefined
}

/**
 * Under @hono/node-server the bindings are Node's request and response
 * (`c.env.incoming`); under `app.request` (tests) there are none.
 */
export interface GatewayEnv {
  Bindings: Partial<HttpBindings>
  Variables: GatewayVariables
}
