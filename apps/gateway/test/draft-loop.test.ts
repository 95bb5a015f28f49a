/**
 * The draft side of the loop through the gateway (embedded backend, real
 * socket): `draft:evaluate` is routed and validated from core's table, a
 * stale head is the client's StaleDraft, a revision made from the draft
 * head is deployed, and the OpenAPI document lists `draft:evaluate`.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createFruxonClient, type PromiseClient } from "@fruxkit/core"
import { startLocalBackend } from "../src/upstream/embedded.js"
import { startGateway, type TestGateway } from "./support/gateway-server.js"

const T = "/v1/tenants/demo/agents/support_bot"
const ids = { tenant: "demo", agent: "support_bot" } as const
let gw: TestGateway
let dataDir: string
let client: PromiseClient

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "fruxkit-gw-draft-"))
  gw = await startGateway(await startLocalBackend(dataDir), { requestTimeoutMs: 10_000 })
  client = createFruxonClient({ baseUrl: gw.url })
})
afterAll(async () => {
  await client.close()
  await gw.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}${T}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) })

describe("the draft loop through the gateway", () => {
  it("validates draft:evaluate's body and If-Match at the gateway", async () => {
    const badBody = await post("/revisions/2/draft:evaluate", { datasetId: "golden" }, { "if-match": "1" })
    expect(badBody.status).toBe(400)
    expect(((await badBody.json()) as any).errors[0].path).toBe("body.datasetId")
    const badIfMatch = await post("/revisions/2/draft:evaluate", {}, { "if-match": "latest" })
    expect(badIfMatch.status).toBe(400)
    const missing = await post("/revisions/2/draft:evaluate", {})
    expect(missing.status).toBe(428)
    const wrongMethod = await fetch(`${gw.url}${T}/revisions/2/draft:evaluate`)
    expect(wrongMethod.status).toBe(405)
  })

  it("evaluates the draft head, refuses a stale one, saves the head as a revision and deploys it", async () => {
    const draft = (await client.getDraft({ ...ids, revision: 2 }))!
    const saved = await client.saveDraft({
      ...ids,
      revision: 2,
      ifMatch: draft.version,
      body: { headData: { flow: { steps: [{ type: "template", template: "Draft says {{question}}" }] } } }
    })
    expect(saved.version).toBe(draft.version + 1)

    await expect(client.evaluateDraft({ ...ids, revision: 2, ifMatch: draft.version, body: {} })).rejects.toMatchObject({
      _tag: "StaleDraft",
      status: 409
    })
    const started = await client.evaluateDraft({ ...ids, revision: 2, ifMatch: saved.version, body: {} })
    expect(started).toMatchObject({ status: "PENDING", candidateRevision: null, candidateBaseRevision: 2, candidateSnapshotSeqNo: saved.version })
    const run = await client.awaitEvaluationRun({ ...ids, evaluationRun: started.id }, { initialDelay: 20, deadline: 30_000, maxDelay: 200 })
    expect(run.status).toBe("COMPLETED")
    expect(run.summary?.totalSamples).toBe(10)

    await expect(
      client.createRevision({ ...ids, body: { fromDraft: { baseRevision: 2, version: draft.version } } })
    ).rejects.toMatchObject({ status: 409 })
    const revision = await client.createRevision({ ...ids, body: { comment: "draft head", fromDraft: { baseRevision: 2, version: saved.version } } })
    expect(revision.deployed).toBe(false)
    expect((await client.getAgent(ids)).currentRevision).toBe(1)
    const agent = await client.deployRevision({ ...ids, revision: revision.agentRevision })
    expect(agent.currentRevision).toBe(revision.agentRevision)
    const executed = await client.executeAgent({ ...ids, body: { parameters: { question: "ok?" } } })
    expect(executed.response).toBe("Draft says ok?")
  })

  it("waits for a draft:evaluate run to end with ?wait (the table's run fact), as :evaluate does", async () => {
    const draft = (await client.getDraft({ ...ids, revision: 2 }))!
    const res = await post("/revisions/2/draft:evaluate?wait=30s", {}, { "if-match": String(draft.version) })
    expect(res.status).toBe(200)
    expect(res.headers.get("fruxkit-wait")).toBe("finished")
    const run = (await res.json()) as { id: string; status: string; candidateSnapshotSeqNo: number; summary: { totalSamples: number } }
    expect(run).toMatchObject({ status: "COMPLETED", candidateSnapshotSeqNo: draft.version, summary: { totalSamples: 10 } })
    expect(res.headers.get("location")).toBe(`${T}/evaluationRuns/${run.id}`)
    // A stale head is still refused before any wait, and nothing runs.
    const stale = await post("/revisions/2/draft:evaluate?wait=30s", {}, { "if-match": String(draft.version - 1) })
    expect(stale.status).toBe(409)
  })

  it("lists draft:evaluate in the OpenAPI document with If-Match, its body and ?wait", async () => {
    const doc = (await (await fetch(`${gw.url}/openapi.json`)).json()) as any
    const operation = doc.paths["/v1/tenants/{tenant}/agents/{agent}/revisions/{revision}/draft:evaluate"]?.post
    expect(operation?.operationId).toBe("evaluateDraft")
    expect(operation.parameters.map((p: any) => `${p.in}:${p.name}`)).toContain("header:If-Match")
    expect(JSON.stringify(operation.requestBody)).toContain("DraftEvaluateRequest")
    expect(operation.parameters.map((p: any) => `${p.in}:${p.name}`)).toContain("query:wait")
    expect(operation.responses["202"]).toBeDefined()
  })
})
