/**
 * Strict input, decided in core for every server (gateway and local backend
 * alike): If-Match forms, revision segments, non-object and too-deep bodies,
 * and validation problems that never carry the value received.
 */
import * as Either from "effect/Either"
import * as AST from "effect/SchemaAST"
import { describe, expect, it } from "vitest"
import { allEndpoints } from "../src/Endpoints.js"
import type * as Endpoint from "../src/Endpoint.js"
import * as IfMatch from "../src/IfMatch.js"
import * as JsonDepth from "../src/JsonDepth.js"
import { decodeRequest } from "../src/RequestDecoding.js"
import * as Route from "../src/Route.js"

const router = Route.makeRouter()
const match = (method: string, path: string) => {
  const m = router.match(method, path)
  if (m._tag !== "Matched") throw new Error(m._tag)
  return m
}
const decode = (m: ReturnType<typeof match>, body: unknown, ifMatch?: string) =>
  decodeRequest(m.endpoint, { params: m.params, query: new URLSearchParams(), body, ifMatch })

const SECRET = "sk-live-S3CRET-9f8e7d"

describe("If-Match", () => {
  it("accepts only 7, \"7\" and W/\"7\"", () => {
    expect(['"7"', 'W/"7"', "7", "0", '"123456789012345"'].map(IfMatch.parse)).toEqual([7, 7, 7, 0, 123456789012345])
    const refused = ['"7', '7"', 'w/"7"', 'W/7', ' "7"', '"7" ', '"07"', "07", "+7", "-7", '" 7"', "7,8", '"7", "8"', "*", "0x7", "7e0", '""', "W/", "\t7"]
    expect(refused.map((header) => [header, IfMatch.parse(header)])).toEqual(refused.map((header) => [header, undefined]))
  })

  it("a malformed If-Match is a field error on header.If-Match", () => {
    const m = match("POST", "/v1/tenants/demo/agents/a1/revisions/2/draft:test")
    const result = decode(m, {}, '"1')
    expect(Either.isLeft(result) && result.left.map((e) => e.path)).toEqual(["header.If-Match"])
  })
})

describe("revision path segments", () => {
  it("only canonical decimal digits are revisions", () => {
    const ok = match("GET", "/v1/tenants/demo/agents/a1/revisions/2")
    expect(Either.getOrThrow(decode(ok, undefined)).path.revision).toBe(2)
    expect(Either.getOrThrow(decode(match("GET", "/v1/tenants/demo/agents/a1/revisions/0"), undefined)).path.revision).toBe(0)
    for (const raw of ["0x2", "2e0", " 2", "2 ", "+2", "02", "-1", "2.0", "1234567890123456", "Infinity", "٢"]) {
      const m = match("GET", `/v1/tenants/demo/agents/a1/revisions/${encodeURIComponent(raw)}`)
      const result = decode(m, undefined)
      expect([raw, Either.isLeft(result) && result.left.map((e) => e.path)]).toEqual([raw, ["path.revision"]])
    }
  })
})

/** The top-level property names of an endpoint's body schema. */
const bodyFields = (endpoint: Endpoint.Any): Array<string> => {
  let ast: AST.AST = endpoint.body!.ast
  while (AST.isTransformation(ast) || AST.isRefinement(ast)) ast = AST.isTransformation(ast) ? ast.to : ast.from
  return AST.isTypeLiteral(ast) ? ast.propertySignatures.map((p) => String(p.name)) : []
}

/** A concrete path for every endpoint (its parameters filled with valid values). */
const pathOf = (endpoint: Endpoint.Any): string => Route.buildPath(endpoint.path, { tenant: "demo", agent: "a1", revision: 2, executionRecord: "r1", evaluationRun: "run1", dataset: "d1" })

const bodyEndpoints = allEndpoints.filter((endpoint) => endpoint.body !== undefined)

describe("bodies", () => {
  it("there are body endpoints to check", () => {
    expect(bodyEndpoints.map((e) => e.name).length).toBeGreaterThanOrEqual(6)
  })

  it.each(bodyEndpoints.map((e) => [e.name, e] as const))("%s: null, arrays, numbers, strings and booleans are a 400 on body", (_, endpoint) => {
    const m = match(endpoint.method, pathOf(endpoint))
    for (const body of [null, [], [{}], 0, 1, "x", true, false]) {
      const result = decode(m, body, "1")
      expect([JSON.stringify(body), Either.isLeft(result) && result.left]).toEqual([
        JSON.stringify(body),
        [{ path: "body", message: "must be a JSON object" }]
      ])
    }
  })

  it.each(bodyEndpoints.map((e) => [e.name, e] as const))("%s: nested past the depth limit is a 400 on body", (_, endpoint) => {
    const m = match(endpoint.method, pathOf(endpoint))
    const field = bodyFields(endpoint)[0]!
    let deep: unknown = SECRET
    for (let i = 0; i < 5_000; i++) deep = { a: deep }
    const result = decode(m, { [field]: deep }, "1")
    expect(Either.isLeft(result) && result.left).toEqual([{ path: "body", message: `must not nest deeper than ${JsonDepth.MAX_JSON_DEPTH} levels` }])
  })

  it("the depth walk counts arrays and objects alike and stops at the limit", () => {
    let value: unknown = 1
    for (let i = 0; i < 64; i++) value = i % 2 === 0 ? [value] : { k: value }
    expect(JsonDepth.exceeds(value)).toBe(false)
    expect(JsonDepth.exceeds([value])).toBe(true)
  })

  /** Every way a field can be wrong while carrying a secret. */
  const malformed = (secret: string): Array<unknown> => [
    secret,
    `${secret}\r\n`,
    [secret],
    { nested: secret },
    [{ deeper: [secret] }],
    secret.repeat(200),
    { [secret.slice(0, 3)]: secret }
  ]

  it.each(bodyEndpoints.map((e) => [e.name, e] as const))("%s: no problem ever carries a value that was sent", (_, endpoint) => {
    const m = match(endpoint.method, pathOf(endpoint))
    const fields = bodyFields(endpoint)
    expect(fields.length).toBeGreaterThan(0)
    let problems = 0
    const check = (body: unknown) => {
      const result = decode(m, body, "1")
      if (Either.isRight(result)) return
      problems++
      const text = JSON.stringify(result.left)
      expect(text).not.toContain("S3CRET")
    }
    for (const field of fields) {
      for (const value of malformed(SECRET)) {
        check({ [field]: value })
        check([{ [field]: value }])
        check({ [field]: value, unknownField: SECRET })
      }
    }
    check({ unknownField: SECRET })
    // Every field of an evaluate body's external config, and the candidate agent's values.
    check({ candidateExternalConfig: { parameters: { endpoint: [SECRET], api_key: { v: SECRET } } } })
    check({ candidateExternalConfig: [SECRET] })
    expect(problems).toBeGreaterThan(fields.length * 7)
  })
})

