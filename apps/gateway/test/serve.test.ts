/**
 * serve.ts over real sockets: which requests go straight to the /v1 pipeline
 * and which through @hono/node-server and the Hono app, that both answer the
 * same, and what happens to a request body left unread by an early answer.
 */
import { createServer, request as httpRequest, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { connect } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Gateway } from "../src/app.js"
import { createRequestListener } from "../src/serve.js"
import { createRemoteUpstream } from "../src/upstream/remote.js"
import { startFakeUpstream, type FakeUpstream } from "./support/fake-upstream.js"
import { startGateway, type TestGateway } from "./support/gateway-server.js"

const T = "/v1/tenants/demo/agents/support_bot"

let fake: FakeUpstream
let gw: TestGateway

beforeAll(async () => {
  fake = await startFakeUpstream()
  gw = await startGateway(createRemoteUpstream({ url: fake.url, token: "upstream-token-serve-0123456789" }), { bodyLimitBytes: 1024 })
})
afterAll(async () => {
  await gw.close()
  await fake.close()
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

/** `run` against a gateway behind its own listener (not the test gateway's server), closed afterwards. */
const servingWith = async (gateway: Gateway, run: (base: string) => Promise<void>): Promise<void> => {
  const server: Server = createServer(createRequestListener(gateway))
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  } finally {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

describe("serve", () => {
  it("takes plain /v1 calls straight to the pipeline, and everything else through the Hono app", async () => {
    // The same gateway behind a listener whose Hono app counts what reaches it.
    let viaHono = 0
    const counting = {
      ...gw.gateway,
      app: {
        fetch: (request: Request, env: unknown) => {
          viaHono++
          return gw.gateway.app.fetch(request, env as never)
        }
      }
    } as unknown as Gateway
    await servingWith(counting, async (base) => {
      const plain = await rawRequest(base, "GET", T)
      expect(plain.status).toBe(200)
      const posted = await fetch(`${base}${T}/executionRecords/r1:addToDatasets`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ datasetIds: ["11111111-1111-4111-8111-111111111111"] })
      })
      expect(posted.status).toBe(200)
      expect((await rawRequest(base, "GET", `${T}/nothing/here`)).status).toBe(404)
      expect(viaHono).toBe(0)

      // Percent-encoding and dot segments: Hono decodes and normalises, then routes to the same agent.
      const encoded = await rawRequest(base, "GET", "/v1/tenants/demo/agents/support%5Fbot")
      expect(encoded.status).toBe(200)
      expect(JSON.parse(encoded.body)).toEqual(JSON.parse(plain.body))
      expect(viaHono).toBe(1)
      const dotted = await rawRequest(base, "GET", "/v1/tenants/demo/./agents/x/../support_bot")
      expect(dotted.status).toBe(200)
      expect(viaHono).toBe(2)
      // What the upstream was asked for is the normalised path both times.
      expect(fake.received.slice(-2).map((r) => r.path)).toEqual([T, T])

      // A run's event stream (a streamed answer) and the operations routes.
      const run = fake.createRun("support_bot", "COMPLETED")
      const events = await fetch(`${base}${T}/evaluationRuns/${run.id}/events`)
      expect(events.headers.get("content-type")).toContain("text/event-stream")
      await events.body?.cancel()
      expect(viaHono).toBe(3)
      expect((await fetch(`${base}/healthz`)).status).toBe(200)
      expect(viaHono).toBe(4)
    })
  })

  it("writes a Response too, should the pipeline answer with one", async () => {
    const answering = {
      ...gw.gateway,
      handleApiCall: () => Promise.resolve(new Response('{"made":"by hand"}', { status: 201, headers: { "content-type": "application/json", "x-extra": "1" } }))
    } as unknown as Gateway
    await servingWith(answering, async (base) => {
      const res = await fetch(`${base}${T}`)
      expect(res.status).toBe(201)
      expect(res.headers.get("x-extra")).toBe("1")
      expect(res.headers.get("content-length")).toBe("18")
      expect(await res.json()).toEqual({ made: "by hand" })
    })
  })

  it("answers the same through either adapter: status, headers, problem bodies", async () => {
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
