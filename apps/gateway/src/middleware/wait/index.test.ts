/** `?wait=` on `:evaluate` and on a run's GET, through the gateway's app (a fake remote Fruxon on loopback behind it). */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { waitFor, type FakeFruxon } from "@fruxkit/testkit"
import { startGatewayOverFake, type TestGateway } from "../../../test/support/gateway-server.js"


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

const later = (ms: number, action: () => void) => setTimeout(action, ms)
const runPolls = (id: string) => fake.count(new RegExp(`/evaluationRuns/${id}$`), "GET")

describe(":evaluate?wait", () => {
  it("returns the finished run when it finishes within the wait", async () => {
    const post = gw.gateway.app.request(`${T}:evaluate?wait=5s`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })
    // The fake creates the run on POST; finish it once it exists (polled, not a fixed sleep:
    // on a loaded machine the POST can take longer than any fixed pause to arrive).
    const before = fake.model.runs.length
    const run = await waitFor(() => fake.model.runs.length > before && fake.model.runs[0], { what: "the fake to hold the new run" })
    fake.model.advance(run.id, { status: "IN_PROGRESS", completed: 2 })
    later(150, () => fake.model.advance(run.id, { status: "COMPLETED", completed: 4 }))
    const res = await post
    expect(res.status).toBe(200)
    expect(res.headers.get("fruxkit-wait")).toBe("finished")
    expect(await res.json()).toMatchObject({ id: run.id, status: "COMPLETED" })
    // Nothing of the gateway's own query reached the upstream.
    expect(fake.requests.some((r) => r.url.includes("wait="))).toBe(false)
  })

  it("answers 202 with the current run and a Location when the wait runs out", async () => {
    const res = await gw.gateway.app.request(`${T}:evaluate?wait=300ms`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } })
    expect(res.status).toBe(202)
    const body = (await res.json()) as { id: string; status: string }
    expect(body.status).toBe("PENDING")
    expect(res.headers.get("location")).toBe(`${T}/evaluationRuns/${body.id}`)
    const follow = await gw.gateway.app.request(res.headers.get("location")!)
    expect(follow.status).toBe(200)
  })
})

describe("GET run ?wait (long-poll)", () => {
  it("waits until status or progress changes, then times out without a change", async () => {
    const run = fake.model.createRun("support_bot", "IN_PROGRESS")
    const started = Date.now()
    const poll = gw.gateway.app.request(`${T}/evaluationRuns/${run.id}?wait=5s`)
    later(300, () => fake.model.advance(run.id, { completed: 1 }))
    const res = await poll
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    expect(res.headers.get("fruxkit-wait")).toBe("changed")
    expect(await res.json()).toMatchObject({ id: run.id, progress: { completedSamples: 1 } })
    const etag = res.headers.get("etag")!
    expect(etag).toMatch(/^".+"$/)

    const unchanged = await gw.gateway.app.request(`${T}/evaluationRuns/${run.id}?wait=300ms`, { headers: { "if-none-match": etag } })
    expect(unchanged.status).toBe(200)
    expect(unchanged.headers.get("fruxkit-wait")).toBe("timeout")
    expect(unchanged.headers.get("etag")).toBe(etag)

    // A client holding an old ETag gets the newer state at once.
    fake.model.advance(run.id, { completed: 2 })
    await new Promise((r) => setTimeout(r, 200))
    const t0 = Date.now()
    const stale = await gw.gateway.app.request(`${T}/evaluationRuns/${run.id}?wait=5s`, { headers: { "if-none-match": etag } })
    expect(Date.now() - t0).toBeLessThan(1000)
    expect(await stale.json()).toMatchObject({ progress: { completedSamples: 2 } })
  })

  it("answers a finished run from the cache without polling upstream again", async () => {
    const run = fake.model.createRun("support_bot", "IN_PROGRESS")
    const poll = gw.gateway.app.request(`${T}/evaluationRuns/${run.id}?wait=5s`)
    later(100, () => fake.model.advance(run.id, { status: "COMPLETED", completed: 4 }))
    expect(await (await poll).json()).toMatchObject({ status: "COMPLETED" })
    const polls = runPolls(run.id)
    const again = await gw.gateway.app.request(`${T}/evaluationRuns/${run.id}?wait=5s`)
    expect(again.headers.get("fruxkit-wait")).toBe("finished")
    expect(runPolls(run.id)).toBe(polls)
  })

  it("answers 404 problem for an unknown run", async () => {
    const res = await gw.gateway.app.request(`${T}/evaluationRuns/no-such-run?wait=2s`)
    expect(res.status).toBe(404)
    expect(res.headers.get("content-type")).toContain("application/problem+json")
  })
})
