/** The Hono environment every gateway middleware and handler shares. */
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
