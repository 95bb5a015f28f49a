/** ?wait on :evaluate and GET run, the run's event stream, and one shared upstream poller per run. */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createRemoteUpstream } from "../src/upstream/remote.js"
import { startFakeUpstream, type FakeUpstream } from "./support/fake-upstream.js"
import { startGateway, type TestGateway } from "./support/gateway-server.js"
import { openSse } from "./support/sse.js"

const T = "/v1/tenants/demo/agents/support_bot"
let fake: FakeUpstream
let gw: TestGateway

beforeAll(async () => {
  fake = await startFakeUpstream()
  gw = await startGateway(createRemoteUpstream({ url: fake.url, token: "upstream-token-waiting-0123456789" }), {
    requestTimeoutMs: 2000,
    maxWaitMs: 10_000
  })
})
afterAll(async () => {
  await gw.close()
  await fake.close()
})

const later = (ms: number, action: () => void) => setTimeout(action, ms)
const runPolls = (id: string) => fake.count("GET", new RegExp(`/evaluationRuns/${id}$`))

describe(":evaluate?wait", () => {
  it("returns the finished run when it finishes within the wait", async () => {
    const post = fetch(`${gw.url}${T}:evaluate?wait=5s`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })
    // The fake creates the run on POST; finish it once it exists (polled, not a fixed sleep:
    // on a loaded machine the POST can take longer than any fixed pause to arrive).
    const before = fake.runs.size
    for (let i = 0; i < 200 && fake.runs.size === before; i++) await new Promise((r) => setTimeout(r, 25))
    const run = [...fake.runs.values()].at(-1)!
    fake.advance(run.id, { status: "IN_PROGRESS", completed: 2 })
    later(150, () => fake.advance(run.id, { status: "COMPLETED", completed: 4 }))
    const res = await post
    expect(res.status).toBe(200)
    expect(res.headers.get("fruxkit-wait")).toBe("finished")
    expect(await res.json()).toMatchObject({ id: run.id, status: "COMPLETED" })
    // Nothing of the gateway's own query reached the upstream.
    expect(fake.received.some((r) => r.path.includes("wait="))).toBe(false)
  })

  it("answers 202 with the current run and a Location when the wait runs out", async () => {
    const res = await fetch(`${gw.url}${T}:evaluate?wait=300ms`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } })
    expect(res.status).toBe(202)
    const body = (await res.json()) as { id: string; status: string }
    expect(body.status).toBe("PENDING")
    expect(res.headers.get("location")).toBe(`${T}/evaluationRuns/${body.id}`)
    const follow = await fetch(`${gw.url}${res.headers.get("location")}`)
    expect(follow.status).toBe(200)
  })
})

describe("GET run ?wait (long-poll)", () => {
  it("waits until status or progress changes, then times out without a change", async () => {
    const run = fake.createRun("support_bot", "IN_PROGRESS")
    const started = Date.now()
    const poll = fetch(`${gw.url}${T}/evaluationRuns/${run.id}?wait=5s`)
    later(300, () => fake.advance(run.id, { completed: 1 }))
    const res = await poll
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    expect(res.headers.get("fruxkit-wait")).toBe("changed")
    expect(await res.json()).toMatchObject({ id: run.id, progress: { completedSamples: 1 } })
    const etag = res.headers.get("etag")!
    expect(etag).toMatch(/^".+"$/)

    const unchanged = await fetch(`${gw.url}${T}/evaluationRuns/${run.id}?wait=300ms`, { headers: { "if-none-match": etag } })
    expect(unchanged.status).toBe(200)
    expect(unchanged.headers.get("fruxkit-wait")).toBe("timeout")
    expect(unchanged.headers.get("etag")).toBe(etag)

    // A client holding an old ETag gets the newer state at once.
    fake.advance(run.id, { completed: 2 })
    await new Promise((r) => setTimeout(r, 200))
    const t0 = Date.now()
    const stale = await fetch(`${gw.url}${T}/evaluationRuns/${run.id}?wait=5s`, { headers: { "if-none-match": etag } })
    expect(Date.now() - t0).toBeLessThan(1000)
    expect(await stale.json()).toMatchObject({ progress: { completedSamples: 2 } })
  })

  it("answers a finished run from the cache without polling upstream again", async () => {
    const run = fake.createRun("support_bot", "IN_PROGRESS")
    const poll = fetch(`${gw.url}${T}/evaluationRuns/${run.id}?wait=5s`)
    later(100, () => fake.advance(run.id, { status: "COMPLETED", completed: 4 }))
    expect(await (await poll).json()).toMatchObject({ status: "COMPLETED" })
    const polls = runPolls(run.id)
    const again = await fetch(`${gw.url}${T}/evaluationRuns/${run.id}?wait=5s`)
    expect(again.headers.get("fruxkit-wait")).toBe("finished")
    expect(runPolls(run.id)).toBe(polls)
  })

  it("answers 404 problem for an unknown run", async () => {
    const res = await fetch(`${gw.url}${T}/evaluationRuns/no-such-run?wait=2s`)
    expect(res.status).toBe(404)
    expect(res.headers.get("content-type")).toContain("application/problem+json")
  })
})

describe("run events (SSE)", () => {
  it("streams every change and ends with the finished run", async () => {
    const run = fake.createRun("support_bot", "PENDING")
    const sse = await openSse(`${gw.url}${T}/evaluationRuns/${run.id}/events`)
    expect(sse.status).toBe(200)
    const first = await sse.next()
    expect(first).toMatchObject({ event: "run" })
    expect(JSON.parse(first!.data)).toMatchObject({ status: "PENDING" })
    fake.advance(run.id, { status: "IN_PROGRESS", completed: 1 })
    const second = await sse.next()
    expect(JSON.parse(second!.data)).toMatchObject({ status: "IN_PROGRESS", progress: { completedSamples: 1 } })
    fake.advance(run.id, { status: "COMPLETED", completed: 4 })
    const done = await sse.next()
    expect(done).toMatchObject({ event: "done" })
    expect(JSON.parse(done!.data)).toMatchObject({ status: "COMPLETED" })
    expect(await sse.next()).toBeUndefined()
  })

  it("resumes with Last-Event-ID: only a state newer than the last one seen", async () => {
    const run = fake.createRun("support_bot", "IN_PROGRESS")
    const a = await openSse(`${gw.url}${T}/evaluationRuns/${run.id}/events`)
    const seen = await a.next()
    a.close()
    // Reconnecting with the current id: nothing is resent until something changes.
    const b = await openSse(`${gw.url}${T}/evaluationRuns/${run.id}/events`, { "last-event-id": seen!.id! })
    await expect(b.next(400)).rejects.toThrow(/timed out/)
    expect(b.comments).toContain("up to date")
    b.close()
    fake.advance(run.id, { completed: 3 })
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

describe("one upstream poller per run", () => {
  it("60 clients (long-polls and streams) on one run → one poller, polls independent of the client count", async () => {
    // Pollers of earlier tests' unfinished runs linger ~2 s after their last client left.
    for (let i = 0; i < 60 && gw.gateway.activePollers() > 0; i++) await new Promise((r) => setTimeout(r, 100))
    expect(gw.gateway.activePollers()).toBe(0)
    const run = fake.createRun("support_bot", "IN_PROGRESS")
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
    fake.advance(run.id, { status: "COMPLETED", completed: 4 })
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
})
