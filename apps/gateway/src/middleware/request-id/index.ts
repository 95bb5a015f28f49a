/**
 * `X-Request-Id`: accepted from the client when it looks like an id,
 * generated otherwise; forwarded upstream and on every log line of the
 * request. Responses carry it because every response the gateway builds
 * adds it (`requestIdHeader`): setting it here after the fact would turn
 * @hono/node-server's lightweight response into a full one (~10 µs a request, measured).
 */
import { randomUUID } from "node:crypto"
import type { Context, Next } from "hono"
import type { Logger } from "pino"
import type { ApiContext, GatewayEnv } from "../../env.js"
import { header as requestHeader } from "../../request-context.js"

export interface RequestIdOptions {
  readonly logger: Logger
  /** Header to read and write; default `x-request-id`. */
  readonly header?: string
}

/** Printable, short, no spaces: anything else could forge log lines or bloat them. */
const ACCEPTABLE = /^[A-Za-z0-9._:@/+=-]{1,128}$/

/** The step itself, for a caller that runs several steps in one middleware (app.ts). */
export const assignRequestId = (options: RequestIdOptions) => {
  const header = (options.header ?? "x-request-id").toLowerCase()
  return (c: ApiContext): void => {
    const given = requestHeader(c, header)
    const id = given !== undefined && ACCEPTABLE.test(given) ? given : randomUUID()
    c.set("requestId", id)
    // The base logger; `requestLog(c)` makes the per-request child when something logs.
    c.set("log", options.logger)
  }
}

export const requestId = (options: RequestIdOptions) => {
  const assign = assignRequestId(options)
  return async function requestId(c: Context<GatewayEnv>, next: Next) {
    assign(c)
    await next()
  }
}

/** The header every gateway response carries. */
export const requestIdHeader = (c: ApiContext): Record<string, string> => ({ "x-request-id": c.get("requestId") })
