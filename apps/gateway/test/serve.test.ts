/**
 * serve.ts over real sockets: @hono/node-server in front of the one Hono
 * app answers as `app.request` does, request targets are normalised before
 * routing, and a request body left unread by an early answer is discarded
 * (or, past a bound, the connection closed).
 */
import { request as httpRequest } from "node:http"
import { connect } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { FakeFruxon } from "@fruxkit/testkit"
import { startGatewayOverFake, type TestGateway } from "./support/gateway-server.js"

const T = "/v1/tenants/demo/agents/support_bot"

let fake: FakeFruxon
let gw: TestGateway

beforeAll(async () => {
  ({ fake, gw } = await startGatewayOverFake({ bodyLimitBytes: 1024 }))
})
afterAll(async () => {
  await gw.close()
})

/** One request with the target sent exactly as given (fetch would normalise it). */
const rawRequest = (base: string, method: string, target: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const url = new URL(base)
    const req = httpRequest({ host: url.hostname, port: url.port, method, path: target, headers }, (res) => {
      let body = ""
      res.setEncoding("utf8")
      res.on("data", (chunk: string) => (body += chunk))
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on("error", reject)
    req.end()
  })

describe("serve", () => {
  it("normalises a request target before routing: percent-encoding and dot segments reach the same agent", async () => {
    const plain = await rawRequest(gw.url, "GET", T)
    expect(plain.status).toBe(200)
    const encoded = await rawRequest(gw.url, "GET", "/v1/tenants/demo/agents/support%5Fbot")
    expect(encoded.status).toBe(200)
    expect(JSON.parse(encoded.body)).toEqual(JSON.parse(plain.body))
    const dotted = await rawRequest(gw.url, "GET", "/v1/tenants/demo/./agents/x/../support_bot")
    expect(dotted.status).toBe(200)
    // What the upstream was asked for is the normalised path every time.
    expect(fake.requests.slice(-3).map((r) => r.url)).toEqual([T, T, T])
  })

  it("answers the same over a socket as through app.request: status, headers, problem bodies", async () => {
    const app = gw.gateway.app
    for (const [method, target, body] of [
      ["GET", T, undefined],
      ["GET", "/v1/tenants/demo/agents/a1:evaluate", undefined],
      ["POST", `${T}/executionRecords/r1:addToDatasets`, JSON.stringify({ datasetIds: [], extra: 1 })],
      ["POST", `${T}/executionRecords/r1:addToDatasets`, "{not json"]
    ] as const) {
      const init = { method, headers: { "content-type": "application/json", "x-request-id": "same-id-1" }, ...(body ? { body } : {}) }
      const direct = await fetch(`${gw.url}${target}`, init)
      const viaApp = await app.request(target, init)
      expect({ target, status: direct.status }).toEqual({ target, status: viaApp.status })
      for (const name of ["content-type", "x-request-id", "allow"]) expect(direct.headers.get(name)).toBe(viaApp.headers.get(name))
      const [a, b] = [await direct.json(), await viaApp.json()]
      expect(a).toEqual(b)
    }
  })

  it("after an early answer, discards the unread body so the same connection carries the next request", async () => {
    const url = new URL(gw.url)
    const socket = connect(Number(url.port), url.hostname)
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()))
    let received = ""
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")))
    const answers = (count: number) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if ((received.match(/HTTP\/1\.1 \d{3} /g) ?? []).length >= count) resolve()
          else if (socket.destroyed) reject(new Error(`connection closed after: ${received.slice(0, 200)}`))
          else setTimeout(check, 5)
        }
        check()
      })
    // A chunked body past the limit (1 KiB): read up to the limit, answered 413 with the rest unread…
    const chunk = " ".repeat(512)
    let head = `POST ${T}/executionRecords/r1:addToDatasets HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`
    for (let i = 0; i < 40; i++) head += `${chunk.length.toString(16)}\r\n${chunk}\r\n`
    socket.write(head)
    await answers(1)
    expect(received).toMatch(/^HTTP\/1\.1 413 /)
    // …and the rest of it arrives after the answer; then the next request, on the same connection.
    for (let i = 0; i < 40; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`)
    socket.write("0\r\n\r\n")
    socket.write(`GET ${T} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`)
    await answers(2)
    expect(received.match(/HTTP\/1\.1 \d{3} /g)).toEqual(["HTTP/1.1 413 ", "HTTP/1.1 200 "])
    socket.destroy()
  })

  it("closes the connection instead of reading a huge refused body to its end", async () => {
    const url = new URL(gw.url)
    const socket = connect(Number(url.port), url.hostname)
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()))
    const declared = 64 * 1024 * 1024
    socket.write(
      `POST ${T}/executionRecords/r1:addToDatasets HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`
    )
    let received = ""
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")))
    socket.on("error", () => {})
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()))
    // Keep sending (far less than declared, more than the discard bound) until the gateway hangs up.
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    let sent = 0
    const pump = setInterval(() => {
      if (!socket.destroyed && sent < 8 * 1024 * 1024) {
        socket.write(chunk)
        sent += chunk.byteLength
      }
    }, 1)
    await closed
    clearInterval(pump)
    expect(received).toMatch(/^HTTP\/1\.1 413 /)
    // Hung up soon after the 1 MiB discard bound (socket buffers hold some more), long before the pump's 8 MiB.
    expect(sent).toBeLessThan(4 * 1024 * 1024)
  })
})
