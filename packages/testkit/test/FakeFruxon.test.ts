/** The fake Fruxon server over real loopback HTTP: who answers (fault, script, model), what is recorded, and the model's loop. */
import { afterEach, describe, expect, it } from "vitest"
import { AGENT, closedPort, json, startFakeFruxon, type FakeFruxon } from "../src/index.js"

let fake: FakeFruxon | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

const T = "/v1/tenants/demo/agents/support_bot"

describe("fake Fruxon", () => {
  it("answers from the model, records each request, and moves a run one step per poll", async () => {
    fake = await startFakeFruxon({ samples: 4, step: 2 })
    const started = await fetch(`${fake.url}${T}:evaluate`, { method: "POST", body: JSON.stringify({ candidateRevision: 2 }) })
    const run = (await started.json()) as { id: string; status: string }
    expect(run.status).toBe("PENDING")
    const statuses: Array<string> = []
    for (let i = 0; i < 3; i++) statuses.push(((await (await fetch(`${fake.url}${T}/evaluationRuns/${run.id}`)).json()) as { status: string }).status)
    expect(statuses).toEqual(["IN_PROGRESS", "IN_PROGRESS", "COMPLETED"])
    expect(fake.count(`${T}/evaluationRuns/${run.id}`, "GET")).toBe(3)
    expect(fake.lines()[0]).toBe(`POST ${T}:evaluate`)
    expect(fake.lastBody()).toEqual({ candidateRevision: 2 })
    const missing = await fetch(`${fake.url}/v1/tenants/demo/agents/nobody`)
    expect(missing.status).toBe(404)
    expect(missing.headers.get("content-type")).toBe("application/problem+json")
    expect(await missing.json()).toMatchObject({ title: "Agent not found" })
  })

  it("takes injected faults in order for matching URLs, then the script, then the model", async () => {
    fake = await startFakeFruxon({ script: (request) => (request.url.includes("scripted") ? json(202, { scripted: true }) : undefined) })
    fake.inject(/marker=a/, { kind: "status", status: 503, retryAfter: "2" }, { kind: "delay", ms: 50 })
    const first = await fetch(`${fake.url}${T}?marker=a`)
    expect([first.status, first.headers.get("retry-after")]).toEqual([503, "2"])
    const second = await fetch(`${fake.url}${T}?marker=a`)
    expect(((await second.json()) as { id: string }).id).toBe(AGENT)
    expect((await fetch(`${fake.url}${T}?scripted`)).status).toBe(202)
    expect(fake.requests.map((r) => r.url)).toEqual([`${T}?marker=a`, `${T}?marker=a`, `${T}?scripted`])
  })

  it("resets a connection before or after reading the body, and says which", async () => {
    fake = await startFakeFruxon()
    fake.inject(/first/, { kind: "resetBeforeBody" })
    fake.injectEvery(/second/, { kind: "reset" })
    const body = JSON.stringify({ datasetIds: ["x"] })
    await expect(fetch(`${fake.url}${T}/executionRecords/r:addToDatasets?first`, { method: "POST", body })).rejects.toThrow()
    await expect(fetch(`${fake.url}${T}/executionRecords/r:addToDatasets?second`, { method: "POST", body })).rejects.toThrow()
    await expect(fetch(`${fake.url}${T}/executionRecords/r:addToDatasets?second`, { method: "POST", body })).rejects.toThrow()
    expect(fake.requests.map((r) => r.bodyRead)).toEqual([false, true, true])
    expect(fake.model.samples.filter((s) => s.executionId === "r")).toHaveLength(0)
  })

  it("closes with a stalled request open; a closed port refuses connections", async () => {
    fake = await startFakeFruxon()
    fake.inject(/stall/, { kind: "stall" })
    const stalled = fetch(`${fake.url}${T}?stall`).catch((error: unknown) => error)
    await new Promise((resolve) => setTimeout(resolve, 50))
    await fake.close()
    fake = undefined
    expect(await stalled).toBeInstanceOf(Error)
    await expect(fetch(await closedPort())).rejects.toThrow()
  })
})
