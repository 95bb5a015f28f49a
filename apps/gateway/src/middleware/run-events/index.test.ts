/** A run's Server-Sent Events over a real socket (a fake remote Fruxon on loopback behind the gateway). */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { FakeFruxon } from "@fruxkit/testkit"
import { startGatewayOverFake, type TestGateway } from "../../../test/support/gateway-server.js"
import { openSse } from "../../../test/support/sse.js"

const T = "/v1/tenants/demo/agents/support_bot"
let fake: FakeFruxon
let gw: TestGateway

beforeAll(async () => {
  ({ fake, gw } = await startGatewayOverFake({
    requestTimeoutMs: 2000,
    maxWaitMs: 10_000
  }))
})
afterAll(async () => {
  await gw.close()
})

describe("run events (SSE)", () => {
  it("streams every change and ends with the finished run", async () => {
    const run = fake.model.createRun("support_bot", "PENDING")
    const sse = await openSse(`${gw.url}${T}/evaluationRuns/${run.id}/events`)
    expect(sse.status).toBe(200)
    const first = await sse.next()
    expect(first).toMatchObject({ event: "run" })
    expect(JSON.parse(first!.data)).toMatchObject({ status: "PENDING" })
    fake.model.advance(run.id, { status: "IN_PROGRESS", completed: 1 })
    const second = await sse.next()
    expect(JSON.parse(second!.data)).toMatchObject({ status: "IN_PROGRESS", progress: { completedSamples: 1 } })
    fake.model.advance(run.id, { status: "COMPLETED", completed: 4 })
    const done = await sse.next()
    expect(done).toMatchObject({ event: "done" })
    expect(JSON.parse(done!.data)).toMatchObject({ status: "COMPLETED" })
    expect(await sse.next()).toBeUndefined()
  })

  it("resumes with Last-Event-ID: only a state newer than the last one seen", async () => {
    const run = fake.model.createRun("support_bot", "IN_PROGRESS")
    const a = await openSse(`${gw.url}${T}/evaluationRuns/${run.id}/events`)
    const seen = await a.next()
    a.close()
    // Reconnecting with the current id: nothing is resent until something changes.
    const b = await openSse(`${gw.url}${T}/evaluationRuns/${run.id}/events`, { "last-event-id": seen!.id! })
    await expect(b.next(400)).rejects.toThrow(/timed out/)
    expect(b.comments).toContain("up to date")
    b.close()
    fake.model.advance(run.id, { completed: 3 })
    await new Promise((r) => setTimeout(r, 200))
    const c = await openSse(`${gw.url}${T}/evaluationRuns/${run.id}/events`, { "last-event-id": seen!.id! })
    const resumed = await c.next()
    expect(resumed!.id).not.toBe(seen!.id)
    expect(JSON.parse(resumed!.data)).toMatchObject({ progress: { completedSamples: 3 } })
    c.close()
  })

  it("answers 404 problem, not a stream, for an unknown run", async () => {
    const res = await fetch(`${gw.url}${T}/evaluationRuns/missing-run/events`)
    expect(res.status).toBe(404)
    expect(res.headers.get("content-type")).toContain("application/problem+json")
  })
})
