/** The gateway in front of the embedded backend (@fruxkit/local, in-process), over a real socket. */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createFruxonClient } from "@fruxkit/core"
import { startLocalBackend } from "../src/upstream/embedded.js"
import { startGateway, type TestGateway } from "./support/gateway-server.js"
import { openSse } from "./support/sse.js"

const T = "/v1/tenants/demo/agents/support_bot"
let gw: TestGateway
let keyed: TestGateway
let dataDir: string
const CLIENT_KEY = "core-client-key-0123456789"

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "fruxkit-gw-"))
  gw = await startGateway(await startLocalBackend(dataDir), { requestTimeoutMs: 5000 })
  keyed = await startGateway(await startLocalBackend(mkdtempSync(join(tmpdir(), "fruxkit-gw-keyed-"))), {
    apiKeys: [{ key: CLIENT_KEY, tenants: ["demo"] }]
  })
})
afterAll(async () => {
  await gw.close()
  await keyed.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const json = async <A>(res: Response): Promise<A> => (await res.json()) as A

describe("embedded mode", () => {
  it("serves the demo data and is ready", async () => {
    const datasets = await json<Array<{ name: string }>>(await fetch(`${gw.url}${T}/datasets`))
    expect(datasets.map((d) => d.name)).toContain("golden")
    const ready = await fetch(`${gw.url}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toMatchObject({ status: "ready", upstream: "embedded" })
  })

  it("runs an evaluation to the end with :evaluate?wait and streams a finished run's events", async () => {
    const res = await fetch(`${gw.url}${T}:evaluate?wait=20s`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ candidateRevision: 2 })
    })
    expect(res.status).toBe(200)
    const run = await json<{ id: string; status: string; summary: { totalSamples: number } }>(res)
    expect(run.status).toBe("COMPLETED")
    expect(run.summary.totalSamples).toBeGreaterThan(0)
    const events = await openSse(`${gw.url}${T}/evaluationRuns/${run.id}/events`)
    const done = await events.next()
    expect(done?.event).toBe("done")
    expect(JSON.parse(done!.data)).toMatchObject({ id: run.id, status: "COMPLETED" })
    expect(await events.next()).toBeUndefined()
  })

  it("streams a run from PENDING to done", async () => {
    const res = await fetch(`${gw.url}${T}:evaluate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ candidateRevision: 2 })
    })
    const started = await json<{ id: string; status: string }>(res)
    expect(started.status).toBe("PENDING")
    const events = await openSse(`${gw.url}${T}/evaluationRuns/${started.id}/events`)
    expect(events.status).toBe(200)
    const seen: Array<string> = []
    for (let e = await events.next(); e; e = await events.next()) seen.push(`${e.event}:${JSON.parse(e.data).status}`)
    expect(seen.at(-1)).toMatch(/^done:(COMPLETED|FAILED)$/)
  })

  it("dedupes addToDatasets against the execution's existing samples", async () => {
    const page = await json<{ items: Array<{ id: string }> }>(await fetch(`${gw.url}${T}/executionRecords?PageSize=1`))
    const record = page.items[0]!.id
    const created = await fetch(`${gw.url}${T}/datasets`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: `gw-dedupe-${Date.now()}` })
    })
    expect(created.status).toBe(201)
    const dataset = await json<{ id: string }>(created)
    const add = () =>
      fetch(`${gw.url}${T}/executionRecords/${record}:addToDatasets?dedupe=true`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ datasetIds: [dataset.id], quality: "GOOD", tags: ["gateway"] })
      })
    const first = await add()
    expect(first.status).toBe(200)
    expect(await json<Array<unknown>>(first)).toHaveLength(1)
    const second = await add()
    expect(await json<Array<unknown>>(second)).toHaveLength(0)
    expect(second.headers.get("fruxkit-dedupe-skipped")).toBe(dataset.id)
    const samples = await json<Array<{ datasetId: string }>>(await fetch(`${gw.url}${T}/executionRecords/${record}/samples`))
    expect(samples.filter((s) => s.datasetId === dataset.id)).toHaveLength(1)
  })

  it("validates before the backend sees anything, and passes the backend's own problems through", async () => {
    const invalid = await fetch(`${gw.url}${T}/executionRecords/r1:addToDatasets`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ datasetIds: "golden" })
    })
    expect(invalid.status).toBe(400)
    expect(JSON.stringify(await invalid.json())).toContain("body.datasetIds")
    const missing = await fetch(`${gw.url}/v1/tenants/demo/agents/no_such_agent`)
    expect(missing.status).toBe(404)
    expect(missing.headers.get("content-type")).toContain("application/problem+json")
  })

  it("core's own client works unchanged against the gateway, its key sent as the token", async () => {
    const client = createFruxonClient({ baseUrl: keyed.url, token: CLIENT_KEY })
    try {
      const agents = await client.listAgents({ tenant: "demo" })
      expect(agents.map((a) => a.id)).toContain("support_bot")
      const run = await client.evaluateAndWait({ tenant: "demo", agent: "support_bot", body: { candidateRevision: 2 } })
      expect(run.status).toBe("COMPLETED")
      await expect(client.listAgents({ tenant: "acme" })).rejects.toMatchObject({ _tag: "Forbidden" })
    } finally {
      await client.close()
    }
    const wrong = createFruxonClient({ baseUrl: keyed.url, token: "not-the-key-0123456789" })
    await expect(wrong.listAgents({ tenant: "demo" })).rejects.toMatchObject({ _tag: "Unauthorized" })
    await wrong.close()
  })
})
