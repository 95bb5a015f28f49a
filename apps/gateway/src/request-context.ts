/**
 * Cheap access to a request's parts. Under @hono/node-server, touching
 * `c.req.raw.headers` or `.body` turns its lightweight request into a full
 * WHATWG Request (measured: the largest single cost per proxied request), so
 * headers and body are read from Node's IncomingMessage when there is one,
 * and from the Request otherwise (tests calling `app.request`).
 */
import type { IncomingMessage } from "node:http"
import type { Logger } from "pino"
import type { ApiContext } from "./env.js"

export const incomingOf = (c: ApiContext): IncomingMessage | undefined =>
  (c.env as { incoming?: IncomingMessage } | undefined)?.incoming

/** The WHATWG request of a context without a Node request (Hono's, under `app.request`). */
const rawOf = (c: ApiContext): Request => {
  const raw = c.req.raw
  if (raw === undefined) throw new Error("a request context has neither a Node request nor a WHATWG one")
  return raw
}

/** A header of Node's request as one string (repeated ones joined as the Fetch API joins them). */
const joinedHeader = (value: string | Array<string> | undefined): string | undefined => (Array.isArray(value) ? value.join(", ") : value)

/** One request header (lower-case name), or undefined. */
export const header = (c: ApiContext, name: string): string | undefined => {
  const incoming = incomingOf(c)
  if (incoming !== undefined) return joinedHeader(incoming.headers[name])
  return rawOf(c).headers.get(name) ?? undefined
}

/** A reader of the request's headers (lower-case names), for a caller that reads several. */
export const headerReader = (c: ApiContext): ((name: string) => string | undefined) => {
  const incoming = incomingOf(c)
  if (incoming === undefined) {
    const headers = rawOf(c).headers
    return (name) => headers.get(name) ?? undefined
  }
  const headers = incoming.headers
  return (name) => joinedHeader(headers[name])
}

/** The request body as an async sequence of chunks, or undefined when there is none. */
export const bodyChunks = (c: ApiContext): AsyncIterable<Uint8Array> | undefined => {
  const incoming = incomingOf(c)
  if (incoming !== undefined) return incoming as AsyncIterable<Uint8Array>
  const body = rawOf(c).body
  if (body === null) return undefined
  return {
    async *[Symbol.asyncIterator]() {
      const reader = body.getReader()
      try {
        for (;;) {
          const { done, value } = await reader.read()
          if (done) return
          yield value
        }
      } finally {
        reader.releaseLock()
      }
    }
  }
}

const childLoggers = new WeakMap<ApiContext, Logger>()

/**
 * The request's logger (a child carrying its request id), made on first use:
 * most requests log one access line, which carries the id itself, so a
 * child per request would be paid for nothing.
 */
export const requestLog = (c: ApiContext): Logger => {
  let log = childLoggers.get(c)
  if (log === undefined) {
    log = c.get("log").child({ requestId: c.get("requestId") })
    childLoggers.set(c, log)
  }
  return log
}
