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
import type { GatewayEnv } from "./env.js"

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

const childLoggers = new WeakMap<Context<GatewayEnv>, Logger>()

/**
 * The request's logger (a child carrying its request id), made on first use:
 * most requests log one access line, which carries the id itself, so a
 * child per request would be paid for nothing.
 */
export const requestLog = (c: Context<GatewayEnv>): Logger => {
  let log = childLoggers.get(c)
  if (log === undefined) {
    log = c.get("log").child({ requestId: c.get("requestId") })
    childLoggers.set(c, log)
  }
  return log
}
