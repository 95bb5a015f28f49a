import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import { Validator } from "@seriousme/openapi-schema-validator"
import { describe, expect, it } from "vitest"
import { allEndpoints, Endpoints } from "../src/Endpoints.js"
import * as IfMatch from "../src/IfMatch.js"
import { toOpenApi } from "../src/OpenApi.js"
import { decodeRequest } from "../src/RequestDecoding.js"
import * as Route from "../src/Route.js"
import { EvaluationRun, EvaluationRunStatus } from "../src/schema/EvaluationRun.js"
import { toUpperSnake } from "../src/schema/OpenEnum.js"

const router = Route.makeRouter()

describe("Route", () => {
  it("matches custom methods literally and never as part of an id", () => {
    const evaluate = router.match("POST", "/v1/tenants/demo/agents/a1:evaluate")
    expect(evaluate._tag === "Matched" && evaluate.endpoint.name).toBe("evaluate")
    expect(evaluate._tag === "Matched" && evaluate.params).toEqual({ tenant: "demo", agent: "a1" })
    const wrongMethod = router.match("GET", "/v1/tenants/demo/agents/a1:evaluate")
    expect(wrongMethod).toEqual({ _tag: "MethodNotAllowed", allow: ["POST"] })
    const agent = router.match("GET", "/v1/tenants/demo/agents/a1")
    expect(agent._tag === "Matched" && agent.endpoint.name).toBe("getAgent")
    expect(router.match("GET", "/v1/tenants/demo/agents/a1:bogus")._tag).toBe("NotFound")
  })

  it("tells :trace, :result and /samples of an execution record apart", () => {
    const base = "/v1/tenants/demo/agents/a1/executionRecords/r1"
    const names = [`${base}:trace`, `${base}:result`, `${base}/samples`, base].map((p) => {
      const m = router.match("GET", p)
      return m._tag === "Matched" ? m.endpoint.name : m._tag
    })
    expect(names).toEqual(["getExecutionRecordTrace", "getExecutionRecordResult", "listExecutionRecordSamples", "getExecutionRecord"])
    const draft = router.match("POST", "/v1/tenants/demo/agents/a1/revisions/2/draft:test")
    expect(draft._tag === "Matched" && draft.endpoint.name).toBe("testDraft")
  })

  it("decodes segments once: %2F stays inside its segment and is refused by validation", () => {
    const match = router.match("GET", "/v1/tenants/demo/agents/a%2F..")
    expect(match._tag === "Matched" && match.params.agent).toBe("a/..")
    if (match._tag !== "Matched") throw new Error("no match")
    const decoded = decodeRequest(match.endpoint, { params: match.params, query: new URLSearchParams(), body: undefined, ifMatch: undefined })
    expect(Either.isLeft(decoded) && decoded.left[0]!.path).toBe("path.agent")
    expect(router.match("GET", "/v1/tenants/demo/agents/%E0%A4%A")._tag).toBe("MalformedPath")
  })

  it("builds paths with every parameter percent-encoded", () => {
    expect(Route.buildPath(Endpoints.evaluate.path, { tenant: "demo", agent: "a b" })).toBe("/v1/tenants/demo/agents/a%20b:evaluate")
    expect(() => Route.buildPath(Endpoints.evaluate.path, { tenant: "demo" })).toThrow(/agent/)
  })
})

describe("decodeRequest", () => {
  const match = (method: string, path: string) => {
    const m = router.match(method, path)
    if (m._tag !== "Matched") throw new Error(m._tag)
    return m
  }
  it("refuses unknown body properties and wrong types with field paths", () => {
    const m = match("POST", "/v1/tenants/demo/agents/a1/executionRecords/r1:addToDatasets")
    const result = decodeRequest(m.endpoint, {
      params: m.params,
      query: new URLSearchParams(),
      body: { datasetIds: ["not-a-uuid"], quality: "GREAT", extra: true },
      ifMatch: undefined
    })
    if (Either.isRight(result)) throw new Error("expected errors")
    expect(result.left.map((e) => e.path).sort()).toEqual(["body.datasetIds[0]", "body.extra", "body.quality"])
  })
  it("decodes revision, repeated query values and If-Match", () => {
    const m = match("GET", "/v1/tenants/demo/agents/a1/evaluationRuns")
    const query = new URLSearchParams("status=PENDING&status=IN_PROGRESS&PageSize=10&wait=30s")
    const result = decodeRequest(m.endpoint, { params: m.params, query, body: undefined, ifMatch: undefined })
    expect(Either.getOrThrow(result).query).toEqual({ status: ["PENDING", "IN_PROGRESS"], PageSize: 10 })
    const t = match("POST", "/v1/tenants/demo/agents/a1/revisions/2/draft:test")
    const test = decodeRequest(t.endpoint, { params: t.params, query: new URLSearchParams(), body: {}, ifMatch: 'W/"7"' })
    expect(Either.getOrThrow(test)).toMatchObject({ path: { revision: 2 }, ifMatch: 7 })
    const bad = decodeRequest(t.endpoint, { params: { ...t.params, revision: "-1" }, query: new URLSearchParams(), body: {}, ifMatch: "seven" })
    expect(Either.isLeft(bad) && bad.left.map((e) => e.path)).toEqual(["path.revision", "header.If-Match"])
  })
  it("takes a path decoded before as it is, and still decodes everything else", () => {
    const t = match("POST", "/v1/tenants/demo/agents/a1/revisions/2/draft:test")
    const first = Either.getOrThrow(decodeRequest(t.endpoint, { params: t.params, query: new URLSearchParams(), body: {}, ifMatch: "7" }))
    expect(first.path).toEqual({ tenant: "demo", agent: "a1", revision: 2 })
    // The remembered decoding is used, not the raw parameters (revision stays a number)…
    const again = decodeRequest(t.endpoint, { params: t.params, query: new URLSearchParams(), body: {}, ifMatch: "7", decodedPath: first.path })
    expect(Either.getOrThrow(again).path).toBe(first.path)
    // …and the body and If-Match are checked as ever.
    const bad = decodeRequest(t.endpoint, { params: t.params, query: new URLSearchParams(), body: { mode: "NOPE" }, ifMatch: "x", decodedPath: first.path })
    expect(Either.isLeft(bad) && bad.left.map((e) => e.path)).toEqual(["body.mode", "header.If-Match"])
  })
})

describe("schemas", () => {
  it("normalise enum case and keep unknown values", () => {
    expect(toUpperSnake("InProgress")).toBe("IN_PROGRESS")
    const decode = Schema.decodeUnknownSync(EvaluationRunStatus.Open)
    expect(["Completed", "IN_PROGRESS", "inProgress", "QUEUED_SOMEWHERE"].map((v) => decode(v))).toEqual([
      "COMPLETED",
      "IN_PROGRESS",
      "IN_PROGRESS",
      "QUEUED_SOMEWHERE"
    ])
    expect(() => Schema.decodeUnknownSync(EvaluationRunStatus.Strict)("Completed")).toThrow()
  })
  it("fill what a server left out or sent as null", () => {
    const run = Schema.decodeUnknownSync(EvaluationRun)({ id: "r", status: null, summary: null, score: null })
    expect(run).toMatchObject({ id: "r", status: "UNSPECIFIED", summary: null, score: null, createdAt: 0, agentId: "" })
  })
  it("parse If-Match the three ways the contract allows", () => {
    expect(["7", '"7"', 'W/"7"', "x", ""].map(IfMatch.parse)).toEqual([7, 7, 7, undefined, undefined])
    expect(IfMatch.format(7)).toBe('"7"')
  })
})

describe("the table's dedupe fact", () => {
  /** The top-level fields of a body schema (a Struct, a Class or a transformation of one). */
  const bodyFields = (schema: Schema.Schema.AnyNoContext): Array<string> =>
    SchemaAST.getPropertySignatures(schema.ast).map((property) => String(property.name))

  it("marks every creating call whose body names the datasets to snapshot into, and only those", () => {
    // A new endpoint that snapshots into named datasets and lacks the fact fails here (the gateway's ?dedupe list is derived from it).
    for (const endpoint of allEndpoints) {
      const snapshotsInto = endpoint.retry === "creating" && endpoint.body !== undefined && bodyFields(endpoint.body).includes("datasetIds")
      expect([endpoint.name, endpoint.dedupe !== undefined]).toEqual([endpoint.name, snapshotsInto])
    }
    expect(allEndpoints.filter((e) => e.dedupe !== undefined).map((e) => e.name)).toEqual(["addToDatasets"])
  })

  it("points at a listing of the same resource whose items carry the key the body's targets are matched on", () => {
    for (const endpoint of allEndpoints) {
      if (endpoint.dedupe === undefined) continue
      const { existing, targetsField, existingKey } = endpoint.dedupe
      expect([existing.method, existing.retry]).toEqual(["GET", "safe"])
      expect(endpoint.path.startsWith(existing.path.slice(0, existing.path.lastIndexOf("/")))).toBe(true)
      expect(bodyFields(endpoint.body)).toContain(targetsField)
      const items = existing.success.ast
      expect(SchemaAST.isTupleType(items) && items.rest.length === 1).toBe(true)
      expect(SchemaAST.getPropertySignatures((items as SchemaAST.TupleType).rest[0]!.type).map((p) => String(p.name))).toContain(existingKey)
    }
  })
})

describe("toOpenApi", () => {
  it("is a valid OpenAPI 3.1 document with every endpoint at its literal path", async () => {
    const document = toOpenApi()
    const validator = new Validator()
    const result = await validator.validate(document as never)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(validator.version).toBe("3.1")
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item))
    expect(operations.map((o) => o.operationId).sort()).toEqual(allEndpoints.map((e) => e.name).sort())
    expect(document.paths["/v1/tenants/{tenant}/agents/{agent}:evaluate"]?.post?.operationId).toBe("evaluate")
    const test = document.paths["/v1/tenants/{tenant}/agents/{agent}/revisions/{revision}/draft:test"]!.post
    expect(test.parameters.find((p: { name: string }) => p.name === "If-Match")?.required).toBe(true)
  })
})
