/**
 * Reads the request body once, refusing it past `maxBytes` with 413 — by
 * Content-Length before reading anything, or while reading when the length
 * was not declared (chunked). The bytes are kept for validation and forwarding.
 *
 * The body must arrive within `timeoutMs` (408, and the connection is closed):
 * this runs before load shedding, so a client trickling its body holds no
 * shed slot, and the request's own deadline starts only once it is read.
 */
import type { Context, MiddlewareHandler } from "hono"
import type { IncomingMessage } from "node:http"
import type { GatewayEnv } from "../../env.js"
import { GatewayProblem } from "../../problem.js"
import { header, incomingOf, requestState } from "../../request-context.js"

/** The methods whose body the gateway reads (createGateway runs bodyLimit for these; load-shed starts their wait when it is read). */
export const BODY_METHODS: ReadonlyArray<string> = ["POST", "PUT", "PATCH"]

export interface BodyLimitOptions {
  readonly maxBytes: number
  /** How long the whole body may take to arrive (default: no limit). */
  readonly timeoutMs?: number
}

const joined = (parts: ReadonlyArray<Uint8Array>, size: number): Uint8Array | undefined => {
  if (size === 0) return undefined
  if (parts.length === 1) return parts[0]!
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const part of parts) {
    bytes.set(part, offset)
    offset += part.byteLength
  }
  return bytes
}

/**
 * Node's request read with its events: the same as iterating it with
 * `for await`, without an async iterator per request (measured: a few µs of
 * a proxied POST). Past the limit, reading stops at once.
 */
const readIncoming = (
  incoming: IncomingMessage,
  maxBytes: number,
  tooLarge: () => Error,
  onBody: (body: Uint8Array) => void,
  timeoutMs: number | undefined,
  tooSlow: () => Error
): Promise<void> =>
  new Promise((resolve, reject) => {
    const parts: Array<Uint8Array> = []
    let size = 0
    let timer: ReturnType<typeof setTimeout> | undefined
    // After the end, the listeners are left in place rather than removed (a
    // measurable cost per request); `settled` makes a later close a no-op.
    let settled = false
    const done = () => {
      settled = true
      if (timer !== undefined) clearTimeout(timer)
      incoming.off("data", onData)
      incoming.off("end", onEnd)
      incoming.off("error", onError)
      incoming.off("close", onClose)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength
      if (size > maxBytes) {
        done()
        // Stop reading at once: a client streaming a huge body is not buffered;
        // after the answer, the rest is discarded up to a bound (discardRest).
        incoming.pause()
        discardRest(incoming)
        reject(tooLarge())
        return
      }
      parts.push(chunk)
    }
    const onEnd = () => {
      settled = true
      if (timer !== undefined) clearTimeout(timer)
      const body = joined(parts, size)
      if (body !== undefined) onBody(body)
      resolve()
    }
    const onError = (error: Error) => {
      if (settled) return
      done()
      reject(error)
    }
    const onClose = () => {
      if (settled) return
      done()
      const error = new Error("Premature close") as Error & { code: string }
      error.code = "ERR_STREAM_PREMATURE_CLOSE"
      reject(error)
    }
    if (incoming.readableEnded) return resolve()
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        if (settled) return
        done()
        incoming.pause()
        reject(tooSlow())
      }, timeoutMs)
    }
    incoming.on("data", onData)
    incoming.on("end", onEnd)
    incoming.on("error", onError)
    incoming.on("close", onClose)
  })

/** Bytes of a refused request body discarded after the answer; past them the connection is closed instead. */
const MAX_DISCARD_BYTES = 1024 * 1024

/**
 * After a 413: the rest of the body is read and dropped, up to a bound, so
 * the connection can carry the next request; past the bound it is closed
 * rather than read without end (@hono/node-server's own drain allows 64 MiB).
 * Reading resumes once the answer is written.
 */
const discardRest = (incoming: IncomingMessage): void => {
  let seen = 0
  const onData = (chunk: Buffer) => {
    seen += chunk.byteLength
    if (seen > MAX_DISCARD_BYTES) {
      incoming.off("data", onData)
      incoming.socket.destroySoon()
    }
  }
  incoming.on("data", onData)
}

export const bodyLimit = (options: BodyLimitOptions): MiddlewareHandler<GatewayEnv> => {
  if (!(options.maxBytes > 0)) throw new Error("bodyLimit: maxBytes must be > 0")
  const { maxBytes } = options
  const tooLarge = () =>
    new GatewayProblem(413, "payload-too-large", "Payload too large", `the request body exceeds ${maxBytes} bytes`, { limit: maxBytes })
  const { timeoutMs } = options
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new Error("bodyLimit: timeoutMs must be > 0")
  // The connection is closed after the answer: the rest of a slow body is not waited for.
  const tooSlow = () =>
    new GatewayProblem(408, "body-timeout", "Request timeout", `the request body did not arrive within ${timeoutMs} ms`, undefined, { connection: "close" })

  /** Without Node's request (`app.request`): the Request's body stream. */
  const readStream = async (c: Context<GatewayEnv>): Promise<void> => {
    const body = c.req.raw.body
    if (body === null) return
    if (timeoutMs === undefined) return readStreamBody(c, body)
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(tooSlow()), timeoutMs)
    })
    try {
      await Promise.race([readStreamBody(c, body), late])
    } finally {
      clearTimeout(timer)
    }
  }

  const readStreamBody = async (c: Context<GatewayEnv>, body: ReadableStream<Uint8Array>): Promise<void> => {
    const parts: Array<Uint8Array> = []
    let size = 0
    const reader = body.getReader()
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        size += value.byteLength
        // Stop reading at once: a client streaming a huge body is not buffered.
        if (size > maxBytes) throw tooLarge()
        parts.push(value)
      }
    } finally {
      reader.releaseLock()
    }
    const joinedBody = joined(parts, size)
    if (joinedBody !== undefined) requestState(c).rawBody = joinedBody
  }

  return function bodyLimit(c, next) {
    const method = c.req.method
    // rawBody stays unset (undefined) without a body: one Map entry fewer on the context.
    if (method === "GET" || method === "HEAD" || method === "DELETE") return next()
    const declared = header(c, "content-length")
    if (declared !== undefined && Number(declared) > maxBytes) {
      const incoming = incomingOf(c)
      if (incoming !== undefined) discardRest(incoming)
      throw tooLarge()
    }
    const incoming = incomingOf(c)
    if (incoming === undefined) return readStream(c).then(next)
    // This runs while Node is still in the request's 'request' event: the rest of the packet that
    // carried the headers (a small body is in it) is parsed once that returns, so the body is looked
    // for one microtask later. When all of its declared length is there, it is taken from the stream's
    // buffer at once: no listeners, no timer (measured: see the README's throughput section).
    const length = declared === undefined ? undefined : Number(declared)
    return AFTER_THIS_EVENT.then(() => {
      const body = length === undefined ? undefined : takeArrived(incoming, length)
      if (body === undefined) return readIncoming(incoming, maxBytes, tooLarge, (bytes) => (requestState(c).rawBody = bytes), timeoutMs, tooSlow).then(next)
      if (body.byteLength > 0) requestState(c).rawBody = body
      return next()
    })
  }
}

const AFTER_THIS_EVENT: Promise<void> = Promise.resolve()
const EMPTY = new Uint8Array(0)

/**
 * The body, when all `length` declared bytes have arrived and nobody has
 * read any (they are all in the stream's buffer); undefined otherwise (then
 * it is read as it arrives). The stream is left flowing, so it ends as a
 * read one does.
 */
const takeArrived = (incoming: IncomingMessage, length: number): Uint8Array | undefined => {
  if (length === 0) return EMPTY
  if (incoming.readableLength !== length || incoming.readableFlowing !== null || incoming.readableEncoding !== null) return undefined
  const bytes = incoming.read() as Buffer | null
  incoming.resume()
  return bytes ?? undefined
}
