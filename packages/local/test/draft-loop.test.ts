/**
 * The draft side of the loop on both engines: `draft:evaluate` scores a
 * pinned head, stale heads change nothing, a revision is made from the
 * draft head, and only `:deploy` changes the agent's current revision.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { LocalBackend } from "../src/index.js"
import { AGENT_PATH, DATABASES, awaitRun, call, countRows, isProblem, withBackend } from "./support.js"

const DRAFT = `${AGENT_PATH}/revisions/2/draft`
const templateFlow = (text: string) => ({ steps: [{ type: "template", id: "answer", template: `${text} {{question}}` }] })

/** Saves a new head on revision 2's draft and answers its version. */
const saveHead = async (backend: LocalBackend, headData: Record<string, unknown>): Promise<number> => {
  const current = (await call(backend, "GET", DRAFT)).json
  const saved = await call(backend, "PUT", DRAFT, { body: { headData }, headers: { "if-match": String(current.version) } })
  expect(saved.status).toBe(200)
  return saved.json.version
}

describe.each(DATABASES)("draft loop ($name)", (database) => {
  let backend: LocalBackend
  let dataDir: string
  let databaseUrl: string | undefined

  beforeAll(async () => {
    // Workers off: a run enqueued here stays PENDING until the test reopens the store with workers on.
    ;({ backend, dataDir, databaseUrl } = await withBackend({ ...(await database.options()), workers: false }))
  })
  afterAll(() => backend.close())

  it("draft:evaluate pins the head it was given: an edit after it does not change what the run scores", async () => {
    const pinned = await saveHead(backend, { flow: templateFlow("PINNED"), note: "pinned" })
    const started = await call(backend, "POST", `${DRAFT}:evaluate`, { body: {}, headers: { "if-match": `W/"${pinned}"` } })
    expect(started.status).toBe(200)
    expect(started.json).toMatchObject({
      status: "PENDING",
      candidateRevision: null,
      candidateBaseRevision: 2,
      candidateSnapshotSeqNo: pinned,
      deployedRevision: 1
    })
    const edited = await saveHead(backend, { flow: templateFlow("EDITED"), note: "edited after the run started" })
    expect(edited).toBe(pinned + 1)

    // Nothing has run yet (no workers): reopen the same store with workers, which picks the run up.
    await backend.close()
    ;({ backend } = await withBackend({ dataDir, databaseUrl }))
    const run = await awaitRun(backend, started.json.id, 30_000)
    expect(run.status).toBe("COMPLETED")
    expect(run.candidateSnapshotSeqNo).toBe(pinned)
    const samples = await call(backend, "GET", `${AGENT_PATH}/evaluationRuns/${run.id}/samples?PageSize=100`)
    expect(samples.json.totalCount).toBe(10)
    const answers = samples.json.items.map((s: any) => s.candidateRevisionResult.response as string)
    expect(answers.every((a: string) => a.startsWith("PINNED "))).toBe(true)
    // The head moved on; the verdict stays addressable in history.
    expect((await call(backend, "GET", DRAFT)).json.version).toBe(edited)
    const listed = await call(backend, "GET", `${AGENT_PATH}/evaluationRuns?PageSize=100`)
    expect(listed.json.items.map((r: any) => r.id)).toContain(run.id)
  })

  it("a stale or missing If-Match on draft:evaluate enqueues nothing; an unknown dataset is a 404", async () => {
    const version = (await call(backend, "GET", DRAFT)).json.version
    const before = await countRows(dataDir, databaseUrl)
    const stale = await call(backend, "POST", `${DRAFT}:evaluate`, { body: {}, headers: { "if-match": String(version - 1) } })
    expect(stale.status).toBe(409)
    expect(isProblem(stale)).toBe(true)
    expect(stale.json.type).toMatch(/\/stale-draft$/)
    expect(stale.json.currentVersion).toBe(version)
    const missing = await call(backend, "POST", `${DRAFT}:evaluate`, { body: {} })
    expect(missing.status).toBe(428)
    const unknownDataset = await call(backend, "POST", `${DRAFT}:evaluate`, {
      body: { datasetId: "00000000-0000-4000-8000-00000000abcd" },
      headers: { "if-match": String(version) }
    })
    expect(unknownDataset.status).toBe(404)
    const extra = await call(backend, "POST", `${DRAFT}:evaluate`, { body: { candidateRevision: 2 }, headers: { "if-match": String(version) } })
    expect(extra.status).toBe(400)
    expect(await countRows(dataDir, databaseUrl)).toEqual(before)
  })

  it("creates a revision from the draft head (stale version refused), and only :deploy makes it current", async () => {
    const head = await saveHead(backend, {
      flow: templateFlow("SHIPPED"),
      parametersMetadata: [{ name: "question", required: true, description: "What the customer asked" }]
    })
    const before = await countRows(dataDir, databaseUrl)
    const stale = await call(backend, "POST", `${AGENT_PATH}/revisions`, { body: { fromDraft: { baseRevision: 2, version: head - 1 } } })
    expect(stale.status).toBe(409)
    expect(stale.json.type).toMatch(/\/stale-draft$/)
    const both = await call(backend, "POST", `${AGENT_PATH}/revisions`, { body: { fromDraft: { baseRevision: 2 }, flow: templateFlow("x") } })
    expect(both.status).toBe(400)
    expect(await countRows(dataDir, databaseUrl)).toEqual(before)

    const created = await call(backend, "POST", `${AGENT_PATH}/revisions`, {
      body: { comment: "from the draft", fromDraft: { baseRevision: 2, version: head } }
    })
    expect(created.status).toBe(200)
    expect(created.json).toMatchObject({ comment: "from the draft", deployed: false, flow: templateFlow("SHIPPED") })
    expect(created.json.parametersMetadata).toEqual([
      { name: "question", type: "string", displayName: "question", description: "What the customer asked", required: true, secret: false, defaultValue: null }
    ])
    const number = created.json.agentRevision as number
    expect((await call(backend, "GET", AGENT_PATH)).json.currentRevision).toBe(1)

    const fromBody = await call(backend, "POST", `${AGENT_PATH}/revisions`, { body: { flow: templateFlow("BODY") } })
    expect(fromBody.json.agentRevision).toBe(number + 1)
    expect((await call(backend, "GET", AGENT_PATH)).json.currentRevision).toBe(1)

    const deployed = await call(backend, "POST", `${AGENT_PATH}/revisions/${number}:deploy`)
    expect(deployed.status).toBe(200)
    expect(deployed.json.currentRevision).toBe(number)
    const revisions = (await call(backend, "GET", `${AGENT_PATH}/revisions`)).json
    expect(revisions.filter((r: any) => r.deployed).map((r: any) => r.agentRevision)).toEqual([number])
    const executed = await call(backend, "POST", `${AGENT_PATH}:execute`, { body: { parameters: { question: "hi?" } } })
    expect(executed.json.response).toBe("SHIPPED hi?")
  })
})
