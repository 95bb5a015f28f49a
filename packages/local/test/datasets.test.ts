import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { LocalBackend } from "../src/index.js"
import { AGENT_PATH, DATABASES, call, countRows, isProblem, withBackend } from "./support.js"

describe.each(DATABASES)("curation: addToDatasets and samples ($name)", (database) => {
  let backend: LocalBackend
  let dataDir: string
  let databaseUrl: string | undefined
  let golden: string
  let other: string
  let recordId: string

  beforeAll(async () => {
    ;({ backend, dataDir, databaseUrl } = await withBackend(await database.options()))
    golden = (await call(backend, "GET", `${AGENT_PATH}/datasets`)).json.find((d: any) => d.name === "golden").id
    other = (await call(backend, "POST", `${AGENT_PATH}/datasets`, { body: { name: "edge-cases" } })).json.id
    const records = await call(backend, "GET", `${AGENT_PATH}/executionRecords?PageSize=1`)
    recordId = records.json.items[0].id
  })
  afterAll(() => backend.close())

  it("snapshots the execution into one new sample per dataset, tags as objects", async () => {
    const record = await call(backend, "GET", `${AGENT_PATH}/executionRecords/${recordId}:result`)
    const answer = await call(backend, "POST", `${AGENT_PATH}/executionRecords/${recordId}:addToDatasets`, {
      body: { datasetIds: [golden, other], quality: "NEEDS_REVIEW", tags: ["billing", "ünïcode"] }
    })
    expect(answer.status).toBe(200)
    expect(answer.json).toHaveLength(2)
    expect(answer.json.map((s: any) => s.datasetId)).toEqual([golden, other])
    for (const sample of answer.json) {
      expect(sample).toMatchObject({
        executionId: recordId,
        quality: "NEEDS_REVIEW",
        inputPayload: record.json.parameters,
        output: record.json.result.strValue,
        tenantId: "demo"
      })
      expect(sample.tags.map((t: any) => [t.tag, t.sampleId, t.sample])).toEqual([
        ["billing", sample.id, null],
        ["ünïcode", sample.id, null]
      ])
    }
    expect(answer.json[0].isGolden).toBe(true)
    expect(answer.json[1].isGolden).toBe(false)
  })

  it("never upserts: adding the same execution again makes new rows", async () => {
    const before = await call(backend, "GET", `${AGENT_PATH}/executionRecords/${recordId}/samples`)
    const again = await call(backend, "POST", `${AGENT_PATH}/executionRecords/${recordId}:addToDatasets`, { body: { datasetIds: [other] } })
    expect(again.status).toBe(200)
    const after = await call(backend, "GET", `${AGENT_PATH}/executionRecords/${recordId}/samples`)
    expect(after.json.length).toBe(before.json.length + 1)
    expect(new Set(after.json.map((s: any) => s.id)).size).toBe(after.json.length)
  })

  it("lists an execution's samples as a bare array with tags as strings", async () => {
    const answer = await call(backend, "GET", `${AGENT_PATH}/executionRecords/${recordId}/samples`)
    expect(Array.isArray(answer.json)).toBe(true)
    const tagged = answer.json.find((s: any) => s.quality === "NEEDS_REVIEW")
    expect(tagged.tags).toEqual(["billing", "ünïcode"])
    const record = await call(backend, "GET", `${AGENT_PATH}/executionRecords/${recordId}`)
    expect(record.json.isSample).toBe(true)
  })

  it("refuses empty datasetIds with 400 and writes nothing", async () => {
    const before = await countRows(dataDir, databaseUrl)
    for (const body of [{ datasetIds: [] }, {}, { datasetIds: null }]) {
      const answer = await call(backend, "POST", `${AGENT_PATH}/executionRecords/${recordId}:addToDatasets`, { body })
      expect(answer.status).toBe(400)
      expect(answer.json.detail).toBe("datasetIds must name at least one dataset")
      expect(answer.json.errors[0].path).toBe("body.datasetIds")
    }
    expect(await countRows(dataDir, databaseUrl)).toEqual(before)
  })

  it("fails the whole request with 404 and writes nothing when one dataset is unknown", async () => {
    const before = await countRows(dataDir, databaseUrl)
    const answer = await call(backend, "POST", `${AGENT_PATH}/executionRecords/${recordId}:addToDatasets`, {
      body: { datasetIds: [golden, "00000000-0000-4000-8000-000000000000"], tags: ["x"] }
    })
    expect(answer.status).toBe(404)
    expect(isProblem(answer)).toBe(true)
    expect(await countRows(dataDir, databaseUrl)).toEqual(before)
  })

  it("fails with 404 and writes nothing for an unknown execution record", async () => {
    const before = await countRows(dataDir, databaseUrl)
    const answer = await call(backend, "POST", `${AGENT_PATH}/executionRecords/00000000-0000-4000-8000-000000000001:addToDatasets`, {
      body: { datasetIds: [golden] }
    })
    expect(answer.status).toBe(404)
    expect(await countRows(dataDir, databaseUrl)).toEqual(before)
  })

  it("pages dataset samples newest first with PageSize, PageToken.Cursor and PageToken.Skip", async () => {
    const all = await call(backend, "GET", `${AGENT_PATH}/datasets/${golden}/samples?PageSize=1000`)
    const total = all.json.totalCount
    expect(total).toBe(all.json.items.length)
    expect(total).toBeGreaterThanOrEqual(11)
    const createdAts = all.json.items.map((s: any) => s.createdAt)
    expect([...createdAts].sort((a, b) => b - a)).toEqual(createdAts)
    const seen: Array<string> = []
    let cursor = ""
    for (let guard = 0; guard < 20; guard++) {
      const page = await call(backend, "GET", `${AGENT_PATH}/datasets/${golden}/samples?PageSize=4${cursor ? `&PageToken.Cursor=${cursor}` : ""}`)
      expect(page.json.totalCount).toBe(total)
      seen.push(...page.json.items.map((s: any) => s.id))
      cursor = page.json.nextPageToken
      if (cursor === "") break
    }
    expect(seen).toEqual(all.json.items.map((s: any) => s.id))
    const skipped = await call(backend, "GET", `${AGENT_PATH}/datasets/${golden}/samples?PageSize=2&PageToken.Skip=3`)
    expect(skipped.json.items.map((s: any) => s.id)).toEqual(seen.slice(3, 5))
    const bogus = await call(backend, "GET", `${AGENT_PATH}/datasets/${golden}/samples?PageToken.Cursor=not-a-token`)
    expect(bogus.status).toBe(400)
  })

  it("deletes an execution's samples with 204, also when there are none", async () => {
    const first = await call(backend, "DELETE", `${AGENT_PATH}/executionRecords/${recordId}/samples`)
    expect(first.status).toBe(204)
    expect((await call(backend, "GET", `${AGENT_PATH}/executionRecords/${recordId}/samples`)).json).toEqual([])
    const second = await call(backend, "DELETE", `${AGENT_PATH}/executionRecords/${recordId}/samples`)
    expect(second.status).toBe(204)
    const rows = await countRows(dataDir, databaseUrl)
    // The newest record is a seeded golden sample (one tag): its seed sample went too; the other 9 remain.
    expect(rows.sample_tags).toBe(9)
  })

  it("lists execution records newest first, filtered, paged by cursor", async () => {
    const all = await call(backend, "GET", `${AGENT_PATH}/executionRecords?PageSize=1000`)
    expect(all.json.totalCount).toBe(12)
    const first = await call(backend, "GET", `${AGENT_PATH}/executionRecords?PageSize=5`)
    const second = await call(backend, "GET", `${AGENT_PATH}/executionRecords?PageSize=5&PageToken.Cursor=${first.json.nextPageToken}`)
    expect([...first.json.items, ...second.json.items].map((r: any) => r.id)).toEqual(all.json.items.slice(0, 10).map((r: any) => r.id))
    const revisionOne = await call(backend, "GET", `${AGENT_PATH}/executionRecords?agentRevision=1`)
    expect(revisionOne.json.totalCount).toBe(2)
    const failed = await call(backend, "GET", `${AGENT_PATH}/executionRecords?status=FAILED&status=CANCELLED`)
    expect(failed.json.totalCount).toBe(0)
  })
})
