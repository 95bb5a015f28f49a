import { Endpoints, Route } from "@fruxkit/core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startGatewayOverFake, type GatewayOverFake } from "../../../test/support/gateway-server.js"
import { middlewareApp } from "../../../test/support/middleware-app.js"
import { bodyLimit } from "../body-limit/index.js"
import { routeMatch } from "../route-match/index.js"
import { validateRequest } from "./index.js"
import { requestState } from "../../request-context.js"

const app = middlewareApp()
app.use("*", routeMatch({ router: Route.makeRouter() }))
app.use("*", bodyLimit({ maxBytes: 10_000 }))
app.use("*", validateRequest({ waitEndpoints: [Endpoints.getEvaluationRun], dedupeEndpoints: [Endpoints.addToDatasets], maxWaitMs: 5000 }))
app.all("*", (c) => c.json({ decoded: requestState(c).decoded, wait: requestState(c).waitMs ?? null, dedupe: requestState(c).dedupe ?? false }))

const T = "/v1/tenants/demo/agents/support_bot"
type Problem = { status: number; type: string; errors: Array<{ path: string; message: string }> }

describe("validateRequest", () => {
  it("passes a valid request with its decoded parts", async () => {
    const res = await app.request(`${T}/evaluationRuns/r1?wait=90s`)
    expect(res.status).toBe(200)
    // A wait beyond the maximum is shortened, not refused.
    expect(await res.json()).toMatchObject({ wait: 5000, decoded: { path: { tenant: "demo", evaluationRun: "r1" } } })
  })

  it("lists every invalid field with its path", async () => {
    const res = await app.request(`${T}/revisions/x/draft:test`, {
      method: "POST",
      headers: { "content-type": "application/json", "if-match": "nope" },
      body: JSON.stringify({ mode: "FAST", unknown: true })
    })
    expect(res.status).toBe(400)
    const paths = ((await res.json()) as Problem).errors.map((e) => e.path)
    expect(paths).toEqual(expect.arrayContaining(["path.revision", "body.mode", "body.unknown", "header.If-Match"]))
  })

  it("requires If-Match where the endpoint does: 428 when only it is missing, listed with the other errors otherwise", async () => {
    const res = await app.request(`${T}/revisions/2/draft:test`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })
    expect(res.status).toBe(428)
    expect(((await res.json()) as Problem).type).toMatch(/\/if-match-required$/)
    const both = await app.request(`${T}/revisions/2/draft:test`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"mode":1}' })
    expect(both.status).toBe(400)
    expect(((await both.json()) as Problem).errors.map((e) => e.path)).toEqual(expect.arrayContaining(["body.mode", "header.If-Match"]))
  })

  it("refuses a non-JSON content type with 415", async () => {
    const res = await app.request(`${T}:evaluate`, { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" })
    expect(res.status).toBe(415)
  })

  it("answers 404 / 405 for paths outside the table", async () => {
    expect((await app.request("/v1/tenants/demo/unknown")).status).toBe(404)
    expect((await app.request(`${T}:evaluate`)).status).toBe(405)
  })

  it("reads ?wait= with core's one duration grammar: a unit is required, nothing is trimmed", async () => {
    const wait = async (value: string) => {
      const res = await app.request(`${T}/evaluationRuns/r1?wait=${encodeURIComponent(value)}`)
      return res.status === 200 ? ((await res.json()) as { wait: number }).wait : ((await res.json()) as Problem).errors.map((e) => e.path)
    }
    expect(await wait("250ms")).toBe(250)
    expect(await wait("1.5s")).toBe(1500)
    for (const bad of ["15", "soon", "30s\n", " 30s", "30s\u0000"]) expect(await wait(bad), JSON.stringify(bad)).toEqual(["query.wait"])
  })
})

describe("validateRequest memo", () => {
  it("never lets a remembered GET stand in for another endpoint at the same path", async () => {
    const datasets = `${T}/datasets`
    expect((await app.request(datasets)).status).toBe(200)
    expect((await app.request(datasets)).status).toBe(200)
    // POST at the same path requires a body: still refused.
    const post = await app.request(datasets, { method: "POST" })
    expect(post.status).toBe(400)
    expect(((await post.json()) as Problem).errors.map((e) => e.path)).toContain("body")
  })

  it("remembers a path's parameters, never a body: each request's body is still checked", async () => {
    const add = (body: unknown) =>
      app.request(`${T}/executionRecords/r9:addToDatasets`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
    const valid = await add({ datasetIds: ["11111111-1111-4111-8111-111111111111"] })
    expect(valid.status).toBe(200)
    expect(await valid.json()).toMatchObject({ decoded: { path: { tenant: "demo", agent: "support_bot", executionRecord: "r9" } } })
    const invalid = await add({ datasetIds: ["nope"], extra: 1 })
    expect(invalid.status).toBe(400)
    expect(((await invalid.json()) as Problem).errors.map((e) => e.path).sort()).toEqual(["body.datasetIds[0]", "body.extra"])
    // Without a body (valid here), twice: now the whole decoding is remembered for body-less calls…
    for (let i = 0; i < 2; i++) expect((await app.request(`${T}/executionRecords/r9:addToDatasets`, { method: "POST" })).status).toBe(200)
    // …and a call with a body is still checked.
    expect((await add({ quality: "GREAT" })).status).toBe(400)
  })

  it("remembers only valid decodings", async () => {
    for (let i = 0; i < 2; i++) expect((await app.request(`${T}/revisions/x`)).status).toBe(400)
  })
})

/**
 * What validation answers, request by request, for every kind of endpoint
 * (path parameters only, a query, a body, If-Match): the status and the whole
 * problem body, errors in order. The snapshot was recorded by the validation
 * as it was before bodies were checked on their text (commit d6dc0a8), so a
 * change in what is refused, or in how, fails here.
 */
describe("validateRequest answers", () => {
  const json = { "content-type": "application/json" }
  const R = `${T}/executionRecords/r9:addToDatasets`
  const UUID = "11111111-1111-4111-8111-111111111111"
  let deep = "1"
  for (let i = 0; i < 65; i++) deep = `{"a":${deep}}`
  const cases: Array<[string, string, RequestInit?]> = [
    // Path parameters.
    ["revision x", `${T}/revisions/x`],
    ["revision 02", `${T}/revisions/02`],
    ["revision -1", `${T}/revisions/-1`],
    ["agent too long", `/v1/tenants/demo/agents/${"a".repeat(129)}`],
    ["agent starting with a dot", "/v1/tenants/demo/agents/.hidden"],
    // Query values.
    ["PageSize abc", `${T}/executionRecords?PageSize=abc`],
    ["PageSize 0", `${T}/executionRecords?PageSize=0`],
    ["PageSize twice", `${T}/executionRecords?PageSize=1&PageSize=2`],
    ["status unknown", `${T}/executionRecords?status=NOPE`],
    ["unknown query ignored", `${T}/executionRecords?unknownParam=1`],
    ["wait where not accepted", `${T}?wait=5s`],
    ["wait bad", `${T}/evaluationRuns/r1?wait=soon`],
    ["dedupe where not accepted", `${T}/evaluationRuns/r1?dedupe=true`],
    ["dedupe bad", `${R}?dedupe=maybe`, { method: "POST", headers: json, body: "{}" }],
    // Bodies: syntax.
    ["not JSON", R, { method: "POST", headers: json, body: "{" }],
    ["trailing comma", R, { method: "POST", headers: json, body: '{"tags":["a"],}' }],
    ["trailing garbage", R, { method: "POST", headers: json, body: "{} x" }],
    ["raw control character", R, { method: "POST", headers: json, body: '{"tags":["a\u0001"]}' }],
    ["not JSON and a bad wait and dedupe", `${R}?dedupe=maybe&wait=1s`, { method: "POST", headers: json, body: "{" }],
    ["null", R, { method: "POST", headers: json, body: "null" }],
    ["array", R, { method: "POST", headers: json, body: "[]" }],
    ["number", R, { method: "POST", headers: json, body: "5" }],
    ["text/plain", R, { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" }],
    // Bodies: shape.
    ["unknown field", R, { method: "POST", headers: json, body: '{"extra":1}' }],
    ["wrong types", R, { method: "POST", headers: json, body: '{"datasetIds":"x","quality":"GREAT","tags":[1]}' }],
    ["bad uuid", R, { method: "POST", headers: json, body: '{"datasetIds":["nope",null]}' }],
    ["__proto__ key", R, { method: "POST", headers: json, body: '{"__proto__":{"x":1}}' }],
    ["duplicate key, last bad", R, { method: "POST", headers: json, body: '{"quality":"GOOD","quality":"GREAT"}' }],
    ["escaped key, bad value", R, { method: "POST", headers: json, body: '{"\\u0071uality":"GREAT"}' }],
    ["nested too deep", `${T}:evaluate`, { method: "POST", headers: json, body: `{"agent":{"flow":${deep}}}` }],
    ["secret under a wrong type", `${T}:evaluate`, { method: "POST", headers: json, body: '{"candidateExternalConfig":{"parameters":{"api_key":{"v":"sk-1"}}}}' }],
    ["candidateRevision -1.5", `${T}:evaluate`, { method: "POST", headers: json, body: '{"candidateRevision":-1.5}' }],
    ["dataset name empty", `${T}/datasets`, { method: "POST", headers: json, body: '{"name":""}' }],
    ["dataset name 129 characters (é)", `${T}/datasets`, { method: "POST", headers: json, body: JSON.stringify({ name: "é".repeat(129) }) }],
    ["dataset without a body", `${T}/datasets`, { method: "POST" }],
    ["body where none is taken", `${T}/evaluationRuns/r1:cancel`, { method: "POST", headers: json, body: '{"a":1}' }],
    // If-Match, with other errors.
    ["draft:test bad If-Match and field", `${T}/revisions/x/draft:test`, { method: "POST", headers: { ...json, "if-match": "nope" }, body: '{"mode":1}' }],
    // Accepted, for contrast: the same bodies in the spellings JSON allows.
    ["escaped key, good value", R, { method: "POST", headers: json, body: '{"\\u0071uality":"GOOD"}' }],
    ["duplicate key, last good", R, { method: "POST", headers: json, body: '{"quality":"GREAT","quality":"GOOD"}' }],
    ["BOM", R, { method: "POST", headers: json, body: `\uFEFF{"datasetIds":["${UUID}"]}` }],
    ["whitespace and escapes", R, { method: "POST", headers: json, body: ` {\n\t"tags" : [ "a\\"b\\u00e9\\ud800" , "é" ] ,"datasetIds":null } ` }],
    ["no content type (bytes)", R, { method: "POST", body: new TextEncoder().encode(`{"datasetIds":["${UUID.toUpperCase()}"]}`) }],
    ["string body, so text/plain", R, { method: "POST", body: "{}" }],
    ["invalid UTF-8 in a tag", R, { method: "POST", headers: json, body: new Uint8Array([...new TextEncoder().encode('{"tags":["a'), 0xff, 0xc3, ...new TextEncoder().encode('"]}')]) }],
    ["invalid UTF-8 outside a string", R, { method: "POST", headers: json, body: new Uint8Array([0x7b, 0xff, 0x7d]) }],
    ["dataset name 128 characters (é)", `${T}/datasets`, { method: "POST", headers: json, body: JSON.stringify({ name: "é".repeat(128) }) }],
    ["evaluate, free-form agent", `${T}:evaluate`, { method: "POST", headers: json, body: '{"agent":{"flow":{"steps":[1,"x",null,true,{"deep":[[[]]]}]}},"candidateRevision":3e0}' }]
  ]

  it("refuses and accepts the same requests with the same answers", async () => {
    const answers: Array<string> = []
    for (const [name, url, init] of cases) {
      const res = await app.request(url, init)
      const text = await res.text()
      // An accepted request's answer is the decoded request (the test app echoes it); a refused one's is the problem.
      answers.push(`${name}: ${res.status} ${text}`)
    }
    expect(answers).toMatchInlineSnapshot(`
      [
        "revision x: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"path.revision","message":"must be a revision number: decimal digits only, no sign, space or leading zero"}]}",
        "revision 02: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"path.revision","message":"must be a revision number: decimal digits only, no sign, space or leading zero"}]}",
        "revision -1: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"path.revision","message":"must be a revision number: decimal digits only, no sign, space or leading zero"}]}",
        "agent too long: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"path.agent","message":"must be at most 128 characters"}]}",
        "agent starting with a dot: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"path.agent","message":"may hold only letters, digits, '_', '.', '~' and '-', starting with a letter or digit"}]}",
        "PageSize abc: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"query.PageSize","message":"Unable to decode \\"abc\\" into a number; Expected undefined"}]}",
        "PageSize 0: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"query.PageSize","message":"Expected a number between 1 and 1000"}]}",
        "PageSize twice: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"query.PageSize","message":"Expected string"}]}",
        "status unknown: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"query.status","message":"Expected ReadonlyArray<ExecutionStatus> | \\"UNSPECIFIED\\" | \\"IN_PROGRESS\\" | \\"WAITING_FOR_ASYNC\\" | \\"COMPLETED\\" | \\"FAILED\\" | \\"CANCELLED\\" | \\"REJECTED\\""}]}",
        "unknown query ignored: 200 {"decoded":{"path":{"tenant":"demo","agent":"support_bot"},"query":{}},"wait":null,"dedupe":false}",
        "wait where not accepted: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"query.wait","message":"is only accepted on getEvaluationRun"}]}",
        "wait bad: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"query.wait","message":"must be a number and a unit (ms, s, m or h), such as 500ms, 30s or 2m"}]}",
        "dedupe where not accepted: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"query.dedupe","message":"is only accepted on addToDatasets"}]}",
        "dedupe bad: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"query.dedupe","message":"must be true or false"}]}",
        "not JSON: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body","message":"is not valid JSON"}]}",
        "trailing comma: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body","message":"is not valid JSON"}]}",
        "trailing garbage: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body","message":"is not valid JSON"}]}",
        "raw control character: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body","message":"is not valid JSON"}]}",
        "not JSON and a bad wait and dedupe: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body","message":"is not valid JSON"},{"path":"query.wait","message":"is only accepted on getEvaluationRun"},{"path":"query.dedupe","message":"must be true or false"}]}",
        "null: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body","message":"must be a JSON object"}]}",
        "array: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body","message":"must be a JSON object"}]}",
        "number: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body","message":"must be a JSON object"}]}",
        "text/plain: 415 {"type":"https://fruxkit.dev/problems/unsupported-media-type","title":"Unsupported media type","status":415,"detail":"send the body as application/json"}",
        "unknown field: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body.extra","message":"is unexpected, expected: \\"datasetIds\\" | \\"quality\\" | \\"tags\\""}]}",
        "wrong types: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body.datasetIds","message":"Expected ReadonlyArray<UUID> | null"},{"path":"body.quality","message":"Expected \\"UNSPECIFIED\\" | \\"GOOD\\" | \\"BAD\\" | \\"NEEDS_REVIEW\\""},{"path":"body.tags[0]","message":"Expected string"}]}",
        "bad uuid: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body.datasetIds[0]","message":"Expected a Universally Unique Identifier"},{"path":"body.datasetIds[1]","message":"Expected string"}]}",
        "__proto__ key: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body.__proto__","message":"is unexpected, expected: \\"datasetIds\\" | \\"quality\\" | \\"tags\\""}]}",
        "duplicate key, last bad: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body.quality","message":"Expected \\"UNSPECIFIED\\" | \\"GOOD\\" | \\"BAD\\" | \\"NEEDS_REVIEW\\""}]}",
        "escaped key, bad value: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body.quality","message":"Expected \\"UNSPECIFIED\\" | \\"GOOD\\" | \\"BAD\\" | \\"NEEDS_REVIEW\\""}]}",
        "nested too deep: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body","message":"must not nest deeper than 64 levels"}]}",
        "secret under a wrong type: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body.candidateExternalConfig.parameters.api_key","message":"invalid value (not shown: may be a secret)"}]}",
        "candidateRevision -1.5: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body.candidateRevision","message":"Expected an integer | null"}]}",
        "dataset name empty: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body.name","message":"name must not be empty"}]}",
        "dataset name 129 characters (é): 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body.name","message":"name must be at most 128 characters"}]}",
        "dataset without a body: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body","message":"a JSON body is required"}]}",
        "body where none is taken: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body","message":"this endpoint takes no body"}]}",
        "draft:test bad If-Match and field: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"path.revision","message":"must be a revision number: decimal digits only, no sign, space or leading zero"},{"path":"body.mode","message":"Expected \\"UNSPECIFIED\\" | \\"PRODUCTION\\" | \\"SANDBOX\\""},{"path":"header.If-Match","message":"must be the draft version as 7, \\"7\\" or W/\\"7\\" (decimal digits, nothing around them)"}]}",
        "escaped key, good value: 200 {"decoded":{"path":{"tenant":"demo","agent":"support_bot","executionRecord":"r9"},"body":{"quality":"GOOD"}},"wait":null,"dedupe":false}",
        "duplicate key, last good: 200 {"decoded":{"path":{"tenant":"demo","agent":"support_bot","executionRecord":"r9"},"body":{"quality":"GOOD"}},"wait":null,"dedupe":false}",
        "BOM: 200 {"decoded":{"path":{"tenant":"demo","agent":"support_bot","executionRecord":"r9"},"body":{"datasetIds":["11111111-1111-4111-8111-111111111111"]}},"wait":null,"dedupe":false}",
        "whitespace and escapes: 200 {"decoded":{"path":{"tenant":"demo","agent":"support_bot","executionRecord":"r9"},"body":{"tags":["a\\"bé\\ud800","é"],"datasetIds":null}},"wait":null,"dedupe":false}",
        "no content type (bytes): 200 {"decoded":{"path":{"tenant":"demo","agent":"support_bot","executionRecord":"r9"},"body":{"datasetIds":["11111111-1111-4111-8111-111111111111"]}},"wait":null,"dedupe":false}",
        "string body, so text/plain: 415 {"type":"https://fruxkit.dev/problems/unsupported-media-type","title":"Unsupported media type","status":415,"detail":"send the body as application/json"}",
        "invalid UTF-8 in a tag: 200 {"decoded":{"path":{"tenant":"demo","agent":"support_bot","executionRecord":"r9"},"body":{"tags":["a��"]}},"wait":null,"dedupe":false}",
        "invalid UTF-8 outside a string: 400 {"type":"https://fruxkit.dev/problems/invalid-request","title":"Invalid request","status":400,"detail":"the request does not match the API contract","errors":[{"path":"body","message":"is not valid JSON"}]}",
        "dataset name 128 characters (é): 200 {"decoded":{"path":{"tenant":"demo","agent":"support_bot"},"body":{"name":"éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé"}},"wait":null,"dedupe":false}",
        "evaluate, free-form agent: 200 {"decoded":{"path":{"tenant":"demo","agent":"support_bot"},"body":{"agent":{"flow":{"steps":[1,"x",null,true,{"deep":[[[]]]}]}},"candidateRevision":3}},"wait":null,"dedupe":false}",
      ]
    `)
  })
})

describe("accepted bodies through the gateway", () => {
  let over: GatewayOverFake
  beforeAll(async () => {
    over = await startGatewayOverFake()
  })
  afterAll(async () => {
    await over?.gw.close()
  })

  it("go upstream byte for byte as sent, in whatever spelling JSON allows", async () => {
    const bodies: Array<[string, string]> = [
      [`${T}/executionRecords/r9:addToDatasets`, ` {\n\t"tags" : [ "a\\"b\\u00e9", "é", "\\ud83d\\ude00" ] ,"datasetIds":["11111111-1111-4111-8111-111111111111"], "quality":"GOOD" } `],
      [`${T}/executionRecords/r9:addToDatasets`, '{"\\u0071uality":"BAD","quality":"GOOD"}'],
      [`${T}/datasets`, JSON.stringify({ name: "ünïcödé ✓", description: "line\nbreak" })],
      [`${T}:evaluate`, '{"agent":{"flow":{"steps":[{"id":"s1","deep":[[[1.5e3,-0,null]]]}]}},"candidateRevision":0}']
    ]
    for (const [path, body] of bodies) {
      const forwarded = over.fake.requests.length
      const res = await fetch(`${over.gw.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body })
      await res.body?.cancel()
      // Forwarded once (whatever the fake then answers), and exactly as sent.
      expect([body, over.fake.requests.length]).toEqual([body, forwarded + 1])
      expect(over.fake.requests.at(-1)?.body).toBe(body)
    }
  })

  it("still give up their secrets to the answer scrub (the body accepted on its text is parsed when the scrub reads it)", async () => {
    const key = "sk-live-text-accepted-0123456789"
    const body = JSON.stringify({ candidateExternalConfig: { parameters: { endpoint: "http://127.0.0.1:9/", api_key: key } } })
    const res = await fetch(`${over.gw.url}${T}:evaluate`, { method: "POST", headers: { "content-type": "application/json" }, body })
    const answer = await res.text()
    expect(res.status).toBe(200)
    // The fake echoes the external configuration; the gateway must not pass the key back.
    expect(over.fake.requests.at(-1)?.body).toBe(body)
    expect(answer).toContain("candidateExternalConfig")
    expect(answer).not.toContain(key)
  })
})
