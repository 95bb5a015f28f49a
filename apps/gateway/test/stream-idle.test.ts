/**
 * Event streams are bounded in time without progress (issue 22): a client
 * that stops reading does not hold its stream slots for as long as the run
 * lives. Through the real gateway over loopback, with one stream per key:
 * a stream on a run that does not change ends at the idle bound, one whose
 * client stops taking bytes while the run keeps changing is closed at the
 * same bound — and another key's requests keep succeeding meanwhile.
 */
import * as net from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { waitFor, type FakeFruxon } from "@fruxkit/testkit"
import { startGatewayOverFake, type TestGateway } from "./support/gateway-server.js"

const KEY_A = "gw-key-stalls-0123456789abcdef"
const KEY_B = "gw-key-reads-0123456789abcdef"
const PATH_A = "/v1/tenants/stalls/agents/support_bot"
const PATH_B = "/v1/tenants/reads/agents/support_bot"
// Long enough that a loaded machine does not starve the changing run below into looking idle.
const IDLE_MS = 2_500

let fake: FakeFruxon
let gw: TestGateway

beforeAll(async () => {
  ({ fake, gw } = await startGatewayOverFake({
    apiKeys: [
      { key: KEY_A, tenants: ["stalls"] },
      { key: KEY_B, tenants: ["reads"] }
    ],
    maxEventStreams: 4,
    maxEventStreamsPerKey: 1,
    streamIdleTimeoutMs: IDLE_MS
  }))
})
afterAll(async () => {
  await gw?.close()
})

/** A stream opened on a raw socket, so the test can stop reading it (the bytes then pile up in the kernel). */
const openRawStream = (runId: string) => {
  const socket = net.connect(Number(new URL(gw.url).port), "127.0.0.1")
  let received = ""
  let closed = false
  socket.on("data", (d) => (received += d.toString("latin1")))
  socket.on("error", () => {})
  socket.on("close", () => (closed = true))
  socket.write(
    `GET ${PATH_A}/evaluationRuns/${runId}/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${KEY_A}\r\nAccept: text/event-stream\r\n\r\n`
  )
  return { socket, received: () => received, closed: () => closed }
}

const until = (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000) => waitFor(check, { what, timeoutMs, intervalMs: 50 })

/** Key A's answer for another stream on the run: 429 while its one slot is held, 200 once freed. */
const anotherStreamStatus = async (runId: string) => {
  const controller = new AbortController()
  const response = await fetch(`${gw.url}${PATH_A}/evaluationRuns/${runId}/events`, {
    headers: { authorization: `Bearer ${KEY_A}` },
    signal: controller.signal
  })
  controller.abort()
  return response.status
}

const otherKeySucceeds = async () => {
  const run = fake.model.createRun("support_bot", "COMPLETED")
  const statuses = [
    (await fetch(`${gw.url}${PATH_B}`, { headers: { authorization: `Bearer ${KEY_B}` } })).status,
    (await fetch(`${gw.url}${PATH_B}/evaluationRuns/${run.id}?wait=1s`, { headers: { authorization: `Bearer ${KEY_B}` } })).status
  ]
  expect(statuses).toEqual([200, 200])
}

describe("event stream idle bound", () => {
  it("a stream whose client stopped reading, on a run that does not change, ends with event: idle and frees its slot", async () => {
    const run = fake.model.createRun("support_bot", "IN_PROGRESS")
    const stream = openRawStream(run.id)
    await until("the first event", () => stream.received().includes("event: run"))
    stream.socket.pause()
    const pausedAt = Date.now()
    // The slot is held: key A may not open a second stream.
    expect(await anotherStreamStatus(run.id)).toBe(429)
    await otherKeySucceeds()
    await until("the slot freed", async () => (await anotherStreamStatus(run.id)) === 200)
    expect(Date.now() - pausedAt).toBeGreaterThanOrEqual(IDLE_MS - 200)
    stream.socket.resume()
    await until("the idle event read", () => stream.received().includes("event: idle"))
    stream.socket.destroy()
  }, 30_000)

  it("a stream whose client stops taking bytes while the run keeps changing is closed, freeing its slot", async () => {
    const run = fake.model.createRun("support_bot", "IN_PROGRESS")
    const stream = openRawStream(run.id)
    await until("the first event", () => stream.received().includes("event: run"))
    stream.socket.pause()
    // Large changes every 50 ms: the kernel's buffers fill within a few of them, then the gateway's writes wait.
    let step = 0
    const changing = setInterval(() => fake.model.advance(run.id, { completed: ++step % 4, extra: { errorMessage: `${step}`.padEnd(512 * 1024, ".") } }), 50)
    try {
      await otherKeySucceeds()
      await until("the slot freed", async () => (await anotherStreamStatus(run.id)) === 200, 25_000)
      // The gateway closed the connection (no closing event can be written to a client that does not read).
      stream.socket.resume()
      await until("the connection closed", () => stream.closed())
      expect(stream.received()).not.toContain("event: idle")
      await otherKeySucceeds()
    } finally {
      clearInterval(changing)
      stream.socket.destroy()
    }
  }, 40_000)
})
