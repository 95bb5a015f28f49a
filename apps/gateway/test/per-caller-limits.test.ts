/**
 * Bounded resources per caller (issue 22, findings 1 and 2), through the real
 * gateway over loopback with two API keys: one key's slow bodies, floods,
 * streams, long-polls and half-open connections hit their limit, and the
 * other key's requests keep succeeding meanwhile. Small caps keep every case
 * bounded in count and time.
 */
import * as net from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { FakeFruxon } from "@fruxkit/testkit"
import { startGatewayOverFake, type TestGateway } from "./support/gateway-server.js"
import { openSse } from "./support/sse.js"

const KEY_A = "gw-key-noisy-0123456789abcdef"
const KEY_B = "gw-key-quiet-0123456789abcdef"
const A = { authorization: `Bearer ${KEY_A}` }
const B = { authorization: `Bearer ${KEY_B}` }
const PATH_A = "/v1/tenants/noisy/agents/support_bot"
const PATH_B = "/v1/tenants/quiet/agents/support_bot"

let fake: FakeFruxon
let gw: TestGateway

beforeAll(async () => {
  ({ fake, gw } = await startGatewayOverFake({
    apiKeys: [
      { key: KEY_A, tenants: ["noisy"] },
      { key: KEY_B, tenants: ["quiet"] }
    ],
    maxUpstreamConcurrency: 4,
    maxConcurrencyPerKey: 2,
    bodyTimeoutMs: 1_000,
    maxEventStreams: 4,
    maxEventStreamsPerKey: 2,
    maxWaits: 4,
    maxWaitsPerKey: 2,
    headersTimeoutMs: 1_000,
    serverRequestTimeoutMs: 5_000,
    requestTimeoutMs: 10_000
  }))
})
afterAll(async () => {
  await gw?.close()
})

const port = () => Number(new URL(gw.url).port)

/** B's requests, which must keep succeeding whatever A does. */
const quietCallsSucceed = async (count = 3) => {
  // One after another: B stays within its own per-key cap.
  const statuses: Array<number> = []
  for (let i = 0; i < count; i++) statuses.push(await fetch(`${gw.url}${PATH_B}`, { headers: B }).then((r) => r.status))
  expect(statuses).toEqual(Array.from({ length: count }, () => 200))
}

/** A raw socket that sent `text` and collects what comes back until it closes. */
const rawSocket = (text: string) => {
  const socket = net.connect(port(), "127.0.0.1")
  let received = ""
  socket.on("data", (d) => (received += d.toString("latin1")))
  socket.on("error", () => {})
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()))
  socket.write(text)
  return { socket, closed, received: () => received }
}

describe("per-caller limits", () => {
  it("slow bodies hold no shed slot: 8 trickling sockets (cap 4) leave other keys served, and get 408 at the body timeout", async () => {
    const head = `POST ${PATH_A}:evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${KEY_A}\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{`
    const trickles = Array.from({ length: 8 }, () => rawSocket(head))
    await new Promise((r) => setTimeout(r, 200))
    await quietCallsSucceed(5)
    await Promise.all(trickles.map((t) => t.closed))
    for (const t of trickles) expect(t.received()).toMatch(/^HTTP\/1\.1 408 /)
    expect(fake.count(/noisy.*:evaluate$/, "POST")).toBe(0)
  }, 20_000)

  it("one key holds at most maxConcurrencyPerKey upstream calls (429 + Retry-After past it); the other key is admitted", async () => {
    fake.inject(/\/tenants\/noisy\//, { kind: "delay", ms: 700 }, { kind: "delay", ms: 700 }, { kind: "delay", ms: 700 })
    const noisy = Array.from({ length: 3 }, () => fetch(`${gw.url}${PATH_A}`, { headers: A }))
    await new Promise((r) => setTimeout(r, 200))
    await quietCallsSucceed(2)
    const answers = await Promise.all(noisy)
    const statuses = answers.map((r) => r.status).sort()
    expect(statuses).toEqual([200, 200, 429])
    expect(answers.find((r) => r.status === 429)!.headers.get("retry-after")).toBe("1")
  }, 20_000)

  it("event streams: past the per-key cap a 429 + Retry-After, while another key still opens one", async () => {
    const runA = fake.model.createRun("support_bot", "IN_PROGRESS")
    const runB = fake.model.createRun("support_bot", "IN_PROGRESS")
    const open = [await openSse(`${gw.url}${PATH_A}/evaluationRuns/${runA.id}/events`, A), await openSse(`${gw.url}${PATH_A}/evaluationRuns/${runA.id}/events`, A)]
    expect(open.map((s) => s.status)).toEqual([200, 200])
    const refused = await fetch(`${gw.url}${PATH_A}/evaluationRuns/${runA.id}/events`, { headers: A })
    expect([refused.status, refused.headers.get("retry-after")]).toEqual([429, "1"])
    await refused.body?.cancel()
    const other = await openSse(`${gw.url}${PATH_B}/evaluationRuns/${runB.id}/events`, B)
    expect(other.status).toBe(200)
    other.close()
    // A stream that ends gives its place back.
    open[0]!.close()
    let again = await openSse(`${gw.url}${PATH_A}/evaluationRuns/${runA.id}/events`, A)
    for (let i = 0; again.status !== 200 && i < 40; i++) {
      again.close()
      await new Promise((r) => setTimeout(r, 50))
      again = await openSse(`${gw.url}${PATH_A}/evaluationRuns/${runA.id}/events`, A)
    }
    expect(again.status).toBe(200)
    again.close()
    open[1]!.close()
  }, 20_000)

  it("?wait requests: past the per-key cap a 429 + Retry-After, while another key still waits", async () => {
    const runA = fake.model.createRun("support_bot", "IN_PROGRESS")
    const runB = fake.model.createRun("support_bot", "IN_PROGRESS")
    const waiting = [0, 1].map(() => fetch(`${gw.url}${PATH_A}/evaluationRuns/${runA.id}?wait=1s`, { headers: A }))
    await new Promise((r) => setTimeout(r, 300))
    const refused = await fetch(`${gw.url}${PATH_A}/evaluationRuns/${runA.id}?wait=1s`, { headers: A })
    expect([refused.status, refused.headers.get("retry-after")]).toEqual([429, "1"])
    const other = await fetch(`${gw.url}${PATH_B}/evaluationRuns/${runB.id}?wait=1s`, { headers: B })
    expect(other.status).toBe(200)
    expect((await Promise.all(waiting)).map((r) => r.status)).toEqual([200, 200])
  }, 20_000)

  it("connections that never finish their headers are closed at the headers timeout; other keys are served meanwhile", async () => {
    const halfOpen = Array.from({ length: 50 }, () => rawSocket(`GET ${PATH_A} HTTP/1.1\r\nHost: 127.0.0.1\r\n`))
    await new Promise((r) => setTimeout(r, 200))
    await quietCallsSucceed(3)
    const started = Date.now()
    await Promise.all(halfOpen.map((s) => s.closed))
    // headersTimeout 1 s, checked every second: all closed well before Node's default 60 s.
    expect(Date.now() - started).toBeLessThan(8_000)
    await quietCallsSucceed(1)
  }, 20_000)
})
