/**
 * `X-Request-Id`: accepted from the client when it looks like an id,
 * generated otherwise; forwarded upstream and on every log line of the
 * request. Responses carry it because every response the gateway builds
 * adds it (`requestIdHeader`): setting it here after the fact would turn
 * @hono/node-server's lightweight response into a full one (~10 µs a request, measured).
 */
import { randomUUID } from "node:crypto"
import type { Context, MiddlewareHandler } from "hono"
import type { Logger } from "pino"
import type { GatewayEnv } from "../../env.js"
import { header as requestHeader, requestState } from "../../request-context.js"

export interface RequestIdOptions {
  readonly logger: Logger
  /** Header to read and write; default `x-request-id`. */
  readonly header?: string
}

/** Printable, short, no spaces: anything else could forge log lines or bloat them. */
const ACCEPTABLE = /^[A-Za-z0-9._:@/+=-]{1,128}$/

export const requestId = (options: RequestIdOptions): MiddlewareHandler<GatewayEnv> => {
  const header = (options.header ?? "x-request-id").toLowerCase()
  return function requestId(c, next) {
    const given = requestHeader(c, header)
    const state = requestState(c)
    if (given !== undefined && ACCEPTABLE.test(given)) state.requestId = given
    else {
      state.requestId = randomUUID()
      state.requestIdGenerated = true
    }
    // The base logger; `requestLog(c)` makes the per-request child when something logs.
    state.log = options.logger
    // When the request reached the gateway: the load shedder's queue deadline counts from here.
    state.arrivedAt = performance.now()
    return next()
  }
}

/** The header every gateway response carries. */
export const requestIdHeader = (c: Context<GatewayEnv>): Record<string, string> => ({ "x-request-id": requestState(c).requestId })
