/**
 * A table of bad inputs per endpoint: each gets a 4xx problem+json and
 * changes no row (every table counted before and after).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { waitFor } from "@fruxkit/testkit"
import { Endpoints } from "@fruxkit/core"
import type { LocalBackend } from "../src/index.js"
import { AGENT_PATH, call, countRows, isProblem, withBackend } from "./support.js"

const A = AGENT_PATH
const UNKNOWN = "00000000-0000-4000-8000-00000000abcd"
const long = (n: number) => "x".repeat(n)

interface Case {
  readonly endpoint: keyof typeof Endpoints
  readonly name: string
  readonly method: string
  readonly url: string | ((ids: Ids) => string)
  readonly body?: unknown
  readonly raw?: string
  readonly headers?: Record<string, string>
  readonly status: number
}

interface Ids {
  readonly record: string
  readonly dataset: string
  readonly run: string
}

const cases: ReadonlyArray<Case> = [
  { endpoint: "listAgents", name: "%2F in the tenant", method: "GET", url: "/v1/tenants/de%2Fmo/agents", status: 400 },
  { endpoint: "listAgents", name: "unicode tenant", method: "GET", url: "/v1/tenants/d%C3%A9mo/agents", status: 400 },
  { endpoint: "listAgents", name: "unknown tenant", method: "GET", url: "/v1/tenants/ghost/agents", status: 404 },
  { endpoint: "getAgent", name: "%2F in the agent", method: "GET", url: "/v1/tenants/demo/agents/support%2Fbot", status: 400 },
  { endpoint: "getAgent", name: "encoded ..", method: "GET", url: "/v1/tenants/demo/agents/..%2F..%2Fx", status: 400 },
  { endpoint: "getAgent", name: "oversized agent id", method: "GET", url: `/v1/tenants/demo/agents/${long(200)}`, status: 400 },
  { endpoint: "getAgent", name: "bad percent-encoding", method: "GET", url: "/v1/tenants/demo/agents/%E0%A4%A", status: 400 },
  { endpoint: "listRevisions", name: "unicode agent", method: "GET", url: "/v1/tenants/demo/agents/%F0%9F%A4%96/revisions", status: 400 },
  { endpoint: "getRevision", name: "non-numeric revision", method: "GET", url: `${A}/revisions/abc`, status: 400 },
  { endpoint: "getRevision", name: "fractional revision", method: "GET", url: `${A}/revisions/1.5`, status: 400 },
  { endpoint: "getRevision", name: "unknown revision", method: "GET", url: `${A}/revisions/999`, status: 404 },
  { endpoint: "createRevision", name: "malformed JSON", method: "POST", url: `${A}/revisions`, raw: "{", status: 400 },
  { endpoint: "createRevision", name: "no body", method: "POST", url: `${A}/revisions`, status: 400 },
  { endpoint: "createRevision", name: "flow of the wrong type", method: "POST", url: `${A}/revisions`, body: { flow: "x" }, status: 400 },
  { endpoint: "createRevision", name: "unknown step type", method: "POST", url: `${A}/revisions`, body: { flow: { steps: [{ type: "exec" }] } }, status: 400 },
  { endpoint: "createRevision", name: "oversized comment", method: "POST", url: `${A}/revisions`, body: { comment: long(1001), flow: { steps: [{ type: "template", template: "" }] } }, status: 400 },
  { endpoint: "createRevision", name: "unknown property", method: "POST", url: `${A}/revisions`, body: { flow: { steps: [{ type: "template", template: "" }] }, admin: true }, status: 400 },
  { endpoint: "deployRevision", name: "unknown revision", method: "POST", url: `${A}/revisions/77:deploy`, status: 404 },
  { endpoint: "deployRevision", name: "negative revision", method: "POST", url: `${A}/revisions/-1:deploy`, status: 400 },
  { endpoint: "getDraft", name: "unknown agent", method: "GET", url: "/v1/tenants/demo/agents/nobody/revisions/1/draft", status: 404 },
  { endpoint: "saveDraft", name: "headData is an array", method: "PUT", url: `${A}/revisions/2/draft`, body: { headData: [] }, headers: { "if-match": "1" }, status: 400 },
  { endpoint: "saveDraft", name: "garbage If-Match", method: "PUT", url: `${A}/revisions/2/draft`, body: { headData: { a: 1 } }, headers: { "if-match": "abc" }, status: 400 },
  { endpoint: "saveDraft", name: "invalid flow in headData", method: "PUT", url: `${A}/revisions/2/draft`, body: { headData: { flow: { steps: "no" } } }, headers: { "if-match": "1" }, status: 400 },
  { endpoint: "saveDraft", name: "stale If-Match", method: "PUT", url: `${A}/revisions/2/draft`, body: { headData: { a: 1 } }, headers: { "if-match": "5" }, status: 409 },
  { endpoint: "saveDraft", name: "missing If-Match on an existing draft", method: "PUT", url: `${A}/revisions/2/draft`, body: { headData: { a: 1 } }, status: 428 },
  { endpoint: "testDraft", name: "unknown mode", method: "POST", url: `${A}/revisions/2/draft:test`, body: { mode: "TURBO" }, headers: { "if-match": "1" }, status: 400 },
  { endpoint: "testDraft", name: "lower-case mode", method: "POST", url: `${A}/revisions/2/draft:test`, body: { mode: "sandbox" }, headers: { "if-match": "1" }, status: 400 },
  { endpoint: "testDraft", name: "oversized environmentSlug", method: "POST", url: `${A}/revisions/2/draft:test`, body: { environmentSlug: long(65) }, headers: { "if-match": "1" }, status: 400 },
  { endpoint: "testDraft", name: "environmentSlug with ..", method: "POST", url: `${A}/revisions/2/draft:test`, body: { environmentSlug: "../prod" }, headers: { "if-match": "1" }, status: 400 },
  { endpoint: "testDraft", name: "unicode environmentSlug", method: "POST", url: `${A}/revisions/2/draft:test`, body: { environmentSlug: "prød" }, headers: { "if-match": "1" }, status: 400 },
  { endpoint: "testDraft", name: "sessionId of the wrong type", method: "POST", url: `${A}/revisions/2/draft:test`, body: { sessionId: 12 }, headers: { "if-match": "1" }, status: 400 },
  { endpoint: "testDraft", name: "parameters as an array", method: "POST", url: `${A}/revisions/2/draft:test`, body: { parameters: [] }, headers: { "if-match": "1" }, status: 400 },
  { endpoint: "testDraft", name: "stale If-Match", method: "POST", url: `${A}/revisions/2/draft:test`, body: {}, headers: { "if-match": 'W/"9"' }, status: 409 },
  { endpoint: "testDraft", name: "no draft on that revision", method: "POST", url: `${A}/revisions/1/draft:test`, body: {}, headers: { "if-match": "1" }, status: 404 },
  { endpoint: "evaluateDraft", name: "datasetId not a uuid", method: "POST", url: `${A}/revisions/2/draft:evaluate`, body: { datasetId: "golden" }, headers: { "if-match": "1" }, status: 400 },
  { endpoint: "evaluateDraft", name: "a candidate it does not take", method: "POST", url: `${A}/revisions/2/draft:evaluate`, body: { agent: {} }, headers: { "if-match": "1" }, status: 400 },
  { endpoint: "evaluateDraft", name: "stale If-Match", method: "POST", url: `${A}/revisions/2/draft:evaluate`, body: {}, headers: { "if-match": "9" }, status: 409 },
  { endpoint: "evaluateDraft", name: "missing If-Match", method: "POST", url: `${A}/revisions/2/draft:evaluate`, body: {}, status: 428 },
  { endpoint: "evaluateDraft", name: "no draft on that revision", method: "POST", url: `${A}/revisions/1/draft:evaluate`, body: {}, headers: { "if-match": "1" }, status: 404 },
  { endpoint: "createRevision", name: "fromDraft with a stale version", method: "POST", url: `${A}/revisions`, body: { fromDraft: { baseRevision: 2, version: 9 } }, status: 409 },
  { endpoint: "createRevision", name: "neither flow nor fromDraft", method: "POST", url: `${A}/revisions`, body: { comment: "empty" }, status: 400 },
  { endpoint: "saveDraft", name: "parametersMetadata without names", method: "PUT", url: `${A}/revisions/2/draft`, body: { headData: { parametersMetadata: [{ type: "string" }] } }, headers: { "if-match": "1" }, status: 400 },
  { endpoint: "executeAgent", name: "unknown property", method: "POST", url: `${A}:execute`, body: { parameters: {}, turbo: true }, status: 400 },
  { endpoint: "executeAgent", name: "malformed JSON", method: "POST", url: `${A}:execute`, raw: "{'single': 'quotes'}", status: 400 },
  { endpoint: "listExecutionRecords", name: "PageSize 0", method: "GET", url: `${A}/executionRecords?PageSize=0`, status: 400 },
  { endpoint: "listExecutionRecords", name: "PageSize not a number", method: "GET", url: `${A}/executionRecords?PageSize=ten`, status: 400 },
  { endpoint: "listExecutionRecords", name: "unknown status", method: "GET", url: `${A}/executionRecords?status=EXPLODED`, status: 400 },
  { endpoint: "listExecutionRecords", name: "negative skip", method: "GET", url: `${A}/executionRecords?PageToken.Skip=-1`, status: 400 },
  { endpoint: "getExecutionRecord", name: "unknown id", method: "GET", url: `${A}/executionRecords/${UNKNOWN}`, status: 404 },
  { endpoint: "getExecutionRecord", name: "unicode id", method: "GET", url: `${A}/executionRecords/%E2%9C%93`, status: 400 },
  { endpoint: "getExecutionRecordTrace", name: "%2F in the id", method: "GET", url: `${A}/executionRecords/a%2Fb:trace`, status: 400 },
  { endpoint: "getExecutionRecordResult", name: "unknown id", method: "GET", url: `${A}/executionRecords/${UNKNOWN}:result`, status: 404 },
  { endpoint: "addToDatasets", name: "dataset id not a uuid", method: "POST", url: (i) => `${A}/executionRecords/${i.record}:addToDatasets`, body: { datasetIds: ["golden"] }, status: 400 },
  { endpoint: "addToDatasets", name: "unknown quality", method: "POST", url: (i) => `${A}/executionRecords/${i.record}:addToDatasets`, body: { datasetIds: [UNKNOWN], quality: "EXCELLENT" }, status: 400 },
  { endpoint: "addToDatasets", name: "empty tag", method: "POST", url: (i) => `${A}/executionRecords/${i.record}:addToDatasets`, body: { datasetIds: [UNKNOWN], tags: [""] }, status: 400 },
  { endpoint: "addToDatasets", name: "oversized tag", method: "POST", url: (i) => `${A}/executionRecords/${i.record}:addToDatasets`, body: { datasetIds: [UNKNOWN], tags: [long(65)] }, status: 400 },
  { endpoint: "addToDatasets", name: "too many tags", method: "POST", url: (i) => `${A}/executionRecords/${i.record}:addToDatasets`, body: { datasetIds: [UNKNOWN], tags: Array.from({ length: 33 }, (_, n) => `t${n}`) }, status: 400 },
  { endpoint: "addToDatasets", name: "datasetIds of the wrong type", method: "POST", url: (i) => `${A}/executionRecords/${i.record}:addToDatasets`, body: { datasetIds: "all" }, status: 400 },
  { endpoint: "addToDatasets", name: "unknown dataset among known", method: "POST", url: (i) => `${A}/executionRecords/${i.record}:addToDatasets`, body: { datasetIds: [UNKNOWN] }, status: 404 },
  { endpoint: "addToDatasets", name: "malformed JSON", method: "POST", url: (i) => `${A}/executionRecords/${i.record}:addToDatasets`, raw: '{"datasetIds": [', status: 400 },
  { endpoint: "addToDatasets", name: "oversized body", method: "POST", url: (i) => `${A}/executionRecords/${i.record}:addToDatasets`, raw: JSON.stringify({ datasetIds: [], pad: long(1_100_000) }), status: 413 },
  { endpoint: "listExecutionRecordSamples", name: "unknown record", method: "GET", url: `${A}/executionRecords/${UNKNOWN}/samples`, status: 404 },
  { endpoint: "deleteExecutionRecordSamples", name: "unknown record", method: "DELETE", url: `${A}/executionRecords/${UNKNOWN}/samples`, status: 404 },
  { endpoint: "deleteExecutionRecordSamples", name: "%2F..%2F in the id", method: "DELETE", url: `${A}/executionRecords/%2F..%2Fsamples/samples`, status: 400 },
  { endpoint: "evaluate", name: "candidateRevision as a string", method: "POST", url: `${A}:evaluate`, body: { candidateRevision: "2" }, status: 400 },
  { endpoint: "evaluate", name: "fractional candidateRevision", method: "POST", url: `${A}:evaluate`, body: { candidateRevision: 1.5 }, status: 400 },
  { endpoint: "evaluate", name: "datasetId not a uuid", method: "POST", url: `${A}:evaluate`, body: { candidateRevision: 2, datasetId: "golden" }, status: 400 },
  { endpoint: "evaluate", name: "external parameter of the wrong type", method: "POST", url: `${A}:evaluate`, body: { candidateExternalConfig: { parameters: { endpoint: { url: "x" } } } }, status: 400 },
  { endpoint: "evaluate", name: "agent as a string", method: "POST", url: `${A}:evaluate`, body: { agent: "v2" }, status: 400 },
  { endpoint: "evaluate", name: "no candidate", method: "POST", url: `${A}:evaluate`, body: {}, status: 400 },
  { endpoint: "getEvaluationRun", name: "unknown run", method: "GET", url: `${A}/evaluationRuns/${UNKNOWN}`, status: 404 },
  { endpoint: "getEvaluationRun", name: "encoded .. in the run id", method: "GET", url: `${A}/evaluationRuns/..%2Fsecret`, status: 400 },
  { endpoint: "listEvaluationRuns", name: "unknown status", method: "GET", url: `${A}/evaluationRuns?status=RUNNING`, status: 400 },
  { endpoint: "listEvaluationRuns", name: "oversized cursor", method: "GET", url: `${A}/evaluationRuns?PageToken.Cursor=${long(600)}`, status: 400 },
  { endpoint: "cancelEvaluationRun", name: "unknown run", method: "POST", url: `${A}/evaluationRuns/${UNKNOWN}:cancel`, status: 404 },
  { endpoint: "cancelEvaluationRun", name: "a body it does not take", method: "POST", url: (i) => `${A}/evaluationRuns/${i.run}:cancel`, body: { force: true }, status: 400 },
  { endpoint: "cancelEvaluationRun", name: "an ended run", method: "POST", url: (i) => `${A}/evaluationRuns/${i.run}:cancel`, status: 409 },
  { endpoint: "listEvaluationRunSamples", name: "PageSize too large", method: "GET", url: (i) => `${A}/evaluationRuns/${i.run}/samples?PageSize=5000`, status: 400 },
  { endpoint: "listDatasets", name: "%2F in the agent", method: "GET", url: "/v1/tenants/demo/agents/a%2F..%2Fb/datasets", status: 400 },
  { endpoint: "createDataset", name: "empty name", method: "POST", url: `${A}/datasets`, body: { name: "" }, status: 400 },
  { endpoint: "createDataset", name: "oversized name", method: "POST", url: `${A}/datasets`, body: { name: long(129) }, status: 400 },
  { endpoint: "createDataset", name: "oversized description", method: "POST", url: `${A}/datasets`, body: { name: "ok", description: long(2001) }, status: 400 },
  { endpoint: "createDataset", name: "duplicate name", method: "POST", url: `${A}/datasets`, body: { name: "golden" }, status: 409 },
  { endpoint: "getDataset", name: "unknown dataset", method: "GET", url: `${A}/datasets/${UNKNOWN}`, status: 404 },
  // A literal `..` is resolved by URL parsing before routing: it lands on another path, never outside the table.
  { endpoint: "getDataset", name: "literal .. resolved to an unknown dataset", method: "GET", url: `${A}/executionRecords/../datasets/x`, status: 404 },
  { endpoint: "listDatasetSamples", name: "cursor this server did not issue", method: "GET", url: (i) => `${A}/datasets/${i.dataset}/samples?PageToken.Cursor=Zm9v`, status: 400 }
]

describe("bad inputs: 4xx problem+json, no row changed", () => {
  let backend: LocalBackend
  let dataDir: string
  let ids: Ids

  beforeAll(async () => {
    ;({ backend, dataDir } = await withBackend())
    const record = (await call(backend, "GET", `${A}/executionRecords?PageSize=1`)).json.items[0].id
    const dataset = (await call(backend, "GET", `${A}/datasets`)).json[0].id
    const started = await call(backend, "POST", `${A}:evaluate`, { body: { candidateRevision: 2 } })
    await waitFor(async () => (await call(backend, "GET", `${A}/evaluationRuns/${started.json.id}`)).json.status === "COMPLETED", {
      timeoutMs: 15_000,
      what: "the run to complete"
    }).catch(() => undefined)
    ids = { record, dataset, run: started.json.id }
  })
  afterAll(() => backend.close())

  it("covers every endpoint of core's table", () => {
    const covered = new Set(cases.map((c) => c.endpoint))
    expect(Object.keys(Endpoints).filter((name) => !covered.has(name as keyof typeof Endpoints))).toEqual([])
  })

  it.each(cases.map((c) => [`${c.endpoint}: ${c.name}`, c] as const))("%s", async (_, c) => {
    const before = await countRows(dataDir)
    const url = typeof c.url === "string" ? c.url : c.url(ids)
    const answer = await call(backend, c.method, url, {
      ...(c.body === undefined ? {} : { body: c.body }),
      ...(c.raw === undefined ? {} : { raw: c.raw }),
      ...(c.headers === undefined ? {} : { headers: c.headers })
    })
    expect(answer.status).toBe(c.status)
    expect(isProblem(answer)).toBe(true)
    if (c.status === 400) expect(answer.json.errors?.length ?? 0).toBeGreaterThan(0)
    expect(await countRows(dataDir)).toEqual(before)
  })
})
