/**
 * Reads the request body once, refusing it past `maxBytes` with 413 — by
 * Content-Length before reading anything, or while reading when the length
 * was not declared (chunked). The bytes are kept for validation and forwarding.
 */
import type { Context, Next } from "hono"
import type { GatewayEnv } from "../../env.js"
import { GatewayProblem } from "../../problem.js"

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
    const body = c.req.raw.body
    if (method === "GET" || method === "HEAD" || body === null) {
      c.set("rawBody", undefined)
      return next()
    }
    const declared = c.req.header("content-length")
    if (declared !== undefined && Number(declared) > options.maxBytes) throw tooLarge()

    const chunks: Array<Uint8Array> = []
    let size = 0
    const reader = body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > options.maxBytes) {
        await reader.cancel().catch(() => undefined)
        throw tooLarge()
      }
      chunks.push(value)
    }
    let bytes: Uint8Array
    if (chunks.length === 1) bytes = chunks[0]!
    else {
      bytes = new Uint8Array(size)
      let offset = 0
      for (const chunk of chunks) {
        bytes.set(chunk, offset)
        offset += chunk.byteLength
      }
    }
    c.set("rawBody", size === 0 ? undefined : bytes)
    await next()
  }
}
