import { getRequestListener } from "@hono/node-server"
import { createServer } from "node:http"
import { connect, type AddressInfo } from "node:net"
import { describe, expect, it } from "vitest"
import { middlewareApp } from "../../../test/support/middleware-app.js"
import { bodyLimit } from "./index.js"
import { requestState } from "../../request-context.js"

const app = middlewareApp()
app.use("*", bodyLimit({ maxBytes: 16 }))
app.post("*", (c) => c.json({ size: requestState(c).rawBody?.byteLength ?? 0 }))

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

  it("over a socket, reads the same bytes whether the body came with the headers (taken at once) or after them (read as it arrives)", async () => {
    const served = middlewareApp()
    served.use("*", bodyLimit({ maxBytes: 64, timeoutMs: 5_000 }))
    served.post("*", (c) => c.text(new TextDecoder().decode(requestState(c).rawBody ?? new Uint8Array())))
    const server = createServer(getRequestListener(served.fetch))
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const { port } = server.address() as AddressInfo
    const body = '{"datasetIds":["d1"],"quality":"GOOD"}'
    const head = `POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`
    /** The raw answer to the request written in the given pieces, 50 ms apart. */
    const send = (pieces: Array<string>) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, "127.0.0.1")
        let received = ""
        socket.on("data", (chunk) => (received += chunk.toString()))
        socket.on("end", () => resolve(received))
        socket.on("error", reject)
        pieces.forEach((piece, i) => setTimeout(() => socket.write(piece), i * 50))
      })
    try {
      const together = await send([head + body])
      const after = await send([head, body.slice(0, 10), body.slice(10)])
      for (const answer of [together, after]) {
        expect(answer).toMatch(/^HTTP\/1\.1 200 /)
        expect(answer.endsWith(`\r\n\r\n${body}`)).toBe(true)
      }
      // Past the limit, undeclared (chunked) and all in one packet: still refused.
      const chunkedHead = `POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`
      const big = "z".repeat(100)
      const refused = await send([`${chunkedHead}${big.length.toString(16)}\r\n${big}\r\n0\r\n\r\n`])
      expect(refused).toMatch(/^HTTP\/1\.1 413 /)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
