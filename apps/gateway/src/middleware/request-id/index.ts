/**
 * `X-Request-Id`: accepted from the client when it looks like an id,
 * generated otherwise; returned on the response, forwarded upstream, and on
 * every log line of the request.
 */
import { randomUUID } from "node:crypto"
import type { Context, Next } from "hono"
import type { Logger } from "pino"
import type { GatewayEnv } from "../../env.js"

export interface RequestIdOptions {
  readonly logger: Logger
  /** Header to read and write; default `x-request-id`. */
  readonly header?: string
}

/** Printable, short, no spaces: anything else could forge log lines or bloat them. */
const ACCEPTABLE = /^[A-Za-z0-9._:@/+=-]{1,128}$/

export const requestId = (options: RequestIdOptions) => {
  const header = options.header ?? "x-request-id"
  return async function requestId(c: Context<GatewayEnv>, next: Next) {
    const given = c.req.header(header)
    const id = given !== undefined && ACCEPTABLE.test(given) ? given : randomUUID()
    c.set("requestId", id)
    c.set("log", options.logger.child({ requestId: id }))
    await next()
    c.res.headers.set(header, id)
  }
}
