/** One shared upstream poller per run, however many clients wait on it (long-polls and event streams), over real sockets. */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { waitFor, type FakeFruxon } from "@fruxkit/testkit"
import { startGatewayOverFake, type TestGateway } from "./support/gateway-server.js"
import { openSse } from "./support/sse.js"

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

const runPolls = (id: string) => fake.count(new RegExp(`/evaluationRuns/${id}$`), "GET")

describe("one upstream poller per run", () => {
  it("60 clients (long-polls and streams) on one run → one poller, polls independent of the client count", async () => {
    // Pollers of earlier tests' unfinished runs linger ~2 s after their last client left.
    await waitFor(() => gw.gateway.activePollers() === 0, { what: "earlier pollers to stop" })
    const run = fake.model.createRun("support_bot", "IN_PROGRESS")
    const streams = await Promise.all(Array.from({ length: 30 }, () => openSse(`${gw.url}${T}/evaluationRuns/${run.id}/events`)))
    await Promise.all(streams.map((s) => s.next()))
    const waits = Array.from({ length: 30 }, () => fetch(`${gw.url}${T}/evaluationRuns/${run.id}?wait=5s`))
    await new Promise((r) => setTimeout(r, 300))
    expect(gw.gateway.activePollers()).toBe(1)
    const metrics = await (await fetch(`${gw.url}/metrics`)).text()
    expect(metrics).toMatch(/fruxkit_gateway_active_run_pollers 1\b/)
    expect(metrics).toMatch(/fruxkit_gateway_active_event_streams 30\b/)

    const pollsBefore = runPolls(run.id)
    const t0 = Date.now()
    await new Promise((r) => setTimeout(r, 500))
    fake.model.advance(run.id, { status: "COMPLETED", completed: 4 })
    const answers = await Promise.all(waits)
    for (const answer of answers) expect(((await answer.json()) as { status: string }).status).toBe("COMPLETED")
    for (const stream of streams) {
      let event = await stream.next()
      while (event && event.event !== "done") event = await stream.next()
      expect(event?.event).toBe("done")
    }
    const elapsed = Date.now() - t0
    const during = runPolls(run.id) - pollsBefore
    // One poller at ≥ 20 ms intervals: at most elapsed/20 (+1) polls, whatever the number of clients.
    expect(during).toBeGreaterThan(0)
    expect(during).toBeLessThanOrEqual(Math.ceil(elapsed / 20) + 1)
    expect(during).toBeLessThan(60)
  })

  it("re-encoded runs (?wait answers, event streams) keep the fields the upstream sent that core does not know", async () => {
    const unknown = { upstreamOnly: "kept", upstreamObject: { deep: [1, 2] } }
    const nested = { totalSamples: 4, completedSamples: 1, failedSamples: 0, upstreamNested: "kept too" }
    const run = fake.model.createRun("support_bot", "IN_PROGRESS")
    fake.model.advance(run.id, { extra: { upstreamObject: unknown.upstreamObject, progress: nested } })
    const stream = await openSse(`${gw.url}${T}/evaluationRuns/${run.id}/events`)
    const firstEvent = (await stream.next())!
    const first = JSON.parse(firstEvent.data)
    // A long-poll from the state the stream showed: answered at the change below.
    const waited = fetch(`${gw.url}${T}/evaluationRuns/${run.id}?wait=5s`, { headers: { "if-none-match": `"${firstEvent.id}"` } })
    fake.model.advance(run.id, { status: "COMPLETED", completed: 4, extra: { upstreamObject: unknown.upstreamObject, progress: { ...nested, completedSamples: 4 } } })
    let done = await stream.next()
    while (done && done.event !== "done") done = await stream.next()
    stream.close()
    const long = (await (await waited).json()) as Record<string, unknown>
    for (const body of [first, JSON.parse(done!.data), long]) {
      expect(body).toMatchObject({ ...unknown, progress: { upstreamNested: "kept too" } })
    }
    // The call that starts a run, waited on: the finished run keeps them too.
    const before = new Set(fake.model.runs.map((r) => r.id))
    const started = fetch(`${gw.url}${T}:evaluate?wait=5s`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ candidateRevision: 2 }) })
    const created = await waitFor(() => fake.model.runs.find((r) => !before.has(r.id))?.id, { what: "the fake to hold the new run" })
    fake.model.advance(created, { status: "COMPLETED", completed: 4 })
    const answer = await started
    expect(answer.status).toBe(200)
    expect(await answer.json()).toMatchObject({ id: created, status: "COMPLETED", upstreamOnly: "kept" })
  })
})
