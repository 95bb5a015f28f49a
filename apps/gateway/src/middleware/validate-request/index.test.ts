import { Endpoints, Route } from "@fruxkit/core"
import { describe, expect, it } from "vitest"
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
