/**
 * Reads the request body once, refusing it past `maxBytes` with 413 — by
 * Content-Length before reading anything, or while reading when the length
 * was not declared (chunked). The bytes are kept for validation and forwarding.
 */
import type { Context, Next } from "hono"
import type { GatewayEnv } from "../../env.js"
import { GatewayProblem } from "../../problem.js"
import { bodyChunks, header } from "../../request-context.js"

export interface BodyLimitOptions {
  readonly maxBytes: number
}

export const bodyLimit = (options: BodyLimitOptions) => {
  if (!(options.maxBytes > 0)) throw new Error("bodyLimit: maxBytes must be > 0")
  const tooLarge = () =>
    new GatewayProblem(413, "payload-too-large", "Payload too large", `the request body exceeds ${options.maxBytes} bytes`, {
      limit: options.maxBytes
    })

  return async function bodyLimit(c: Context<GatewayEnv>, next: Next) {
    const method = c.req.method
    if (method === "GET" || method === "HEAD" || method === "DELETE") {
      c.set("rawBody", undefined)
      return next()
    }
    const declared = header(c, "content-length")
    if (declared !== undefined && Number(declared) > options.maxBytes) throw tooLarge()
    const chunks = bodyChunks(c)
    const parts: Array<Uint8Array> = []
    let size = 0
    if (chunks !== undefined) {
      for await (const chunk of chunks) {
        size += chunk.byteLength
        // Stop reading at once: a client streaming a huge body is not buffered.
        if (size > options.maxBytes) throw tooLarge()
        parts.push(chunk)
      }
    }
    let bytes: Uint8Array | undefined
    if (size === 0) bytes = undefined
    else if (parts.length === 1) bytes = parts[0]!
    else {
      bytes = new Uint8Array(size)
      let offset = 0
      for (const part of parts) {
        bytes.set(part, offset)
        offset += part.byteLength
      }
    }
    c.set("rawBody", bytes)
    await next()
  }
}
