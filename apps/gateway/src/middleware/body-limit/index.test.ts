import { describe, expect, it } from "vitest"
import { middlewareApp } from "../../../test/support/middleware-app.js"
import { bodyLimit } from "./index.js"

const app = middlewareApp()
app.use("*", bodyLimit({ maxBytes: 16 }))
app.post("*", (c) => c.json({ size: c.get("rawBody")?.byteLength ?? 0 }))

const chunked = (text: string) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const ch of text) controller.enqueue(new TextEncoder().encode(ch))
      controller.close()
    }
  })

describe("bodyLimit", () => {
  it("keeps a body within the limit", async () => {
    const res = await app.request("/", { method: "POST", body: '{"a":1}' })
    expect(await res.json()).toEqual({ size: 7 })
  })

  it("refuses a declared Content-Length over the limit with 413 problem", async () => {
    const res = await app.request("/", { method: "POST", body: "x".repeat(17), headers: { "content-length": "17" } })
    expect(res.status).toBe(413)
    expect(res.headers.get("content-type")).toContain("application/problem+json")
    expect(((await res.json()) as { limit: number }).limit).toBe(16)
  })

  it("refuses an undeclared (streamed) body once it passes the limit", async () => {
    const res = await app.request("/", { method: "POST", body: chunked("y".repeat(40)), duplex: "half" } as RequestInit)
    expect(res.status).toBe(413)
  })
})
