/**
 * `X-Request-Id`: accepted from the client when it looks like an id,
 * generated otherwise; forwarded upstream and on every log line of the
 * request. Responses carry it because every response the gateway builds
 * adds it (`requestIdHeader`): setting it here after the fact would turn
 * @hono/node-server's lightweight response into a full one (~10 µs a request, measured).
 */
import { randomBytes } from "node:crypto"
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

/**
 * Generated ids: 128 random bits drawn when the generator is made (one per
 * gateway), then a count — `<22 base64url characters>-<count in base 36>`.
 * Unique: within a gateway by the count, across gateways and restarts by the
 * random part (two gateways share it with probability 2⁻¹²⁸). Not
 * unguessable from one another, and nothing needs them to be: an id only
 * correlates a request's lines, answer and upstream call, and a client may
 * send any id it likes anyway. Measured: `randomUUID()` per request cost
 * ≈ 0.3–0.4 µs (formatting 16 fresh random bytes), this ≈ 0.03.
 */
export const requestIdGenerator = (): (() => string) => {
  const prefix = `${randomBytes(16).toString("base64url")}-`
  let count = 0
  return () => prefix + (++count).toString(36)
}

export const requestId = (options: RequestIdOptions): MiddlewareHandler<GatewayEnv> => {
  const header = (options.header ?? "x-request-id").toLowerCase()
  const generate = requestIdGenerator()
  return function requestId(c, next) {
    const given = requestHeader(c, header)
    // The request's state is made here, the first middleware: its `arrivedAt` is when the request reached the gateway.
    const state = requestState(c)
    if (given !== undefined && ACCEPTABLE.test(given)) state.requestId = given
    else {
      state.requestId = generate()
      state.requestIdGenerated = true
    }
    // The base logger; `requestLog(c)` makes the per-request child when something logs.
    state.log = options.logger
    return next()
  }
}

/** The header every gateway response carries. */
export const requestIdHeader = (c: Context<GatewayEnv>): Record<string, string> => ({ "x-request-id": requestState(c).requestId })
