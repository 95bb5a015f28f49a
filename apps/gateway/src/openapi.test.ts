/**
 * The OpenAPI document the gateway serves, checked by a maintained validator
 * (@seriousme/openapi-schema-validator) and for what a validator does not
 * check (no parameter twice, every endpoint at its literal path, the
 * gateway's own statuses and headers); and the /docs page drawn from it,
 * whose assets all come from the gateway itself.
 */
import { Validator } from "@seriousme/openapi-schema-validator"
import { allEndpoints, Endpoints, PROBLEM_CONTENT_TYPE } from "@fruxkit/core"
import { afterAll, describe, expect, it } from "vitest"
import { silentLogger } from "../test/support/middleware-app.js"
import { createGateway } from "./app.js"
import { defaultConfig } from "./config.js"
import { createMetrics } from "./metrics.js"
import { evaluationRunEvents } from "./routes.js"
import { createRemoteUpstream } from "./upstream/remote.js"

type Json = Record<string, any>

const gateway = createGateway(defaultConfig({ rateLimitPerSecond: 0 }), {
  // Never called: these routes do not go upstream.
  upstream: createRemoteUpstream({ url: "http://127.0.0.1:9", token: "upstream-token-openapi-0123456789" }),
  logger: silentLogger,
  metrics: createMetrics({ defaultMetrics: false })
})
afterAll(() => gateway.close())

const served = async (): Promise<Json> => {
  const res = await gateway.app.request("/openapi.json")
  expect(res.headers.get("content-type")).toContain("application/json")
  return (await res.json()) as Json
}

/** A `$ref` to `#/components/...` resolved in the document. */
const resolve = (doc: Json, value: Json): Json => {
  if (typeof value.$ref !== "string") return value
  return (value.$ref as string).slice(2).split("/").reduce((at: Json, key) => at[key], doc)
}

const operationsOf = (doc: Json): Array<[string, string, Json]> =>
  Object.entries(doc.paths as Json).flatMap(([path, methods]) => Object.entries(methods as Json).map(([method, op]) => [path, method, op as Json] as [string, string, Json]))

describe("/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator()
    const result = await validator.validate((await served()) as never)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(validator.version).toBe("3.1")
  })

  it("lists every endpoint of the table, and the event stream, at its literal path (custom methods included)", async () => {
    const doc = await served()
    for (const endpoint of [...allEndpoints, evaluationRunEvents]) {
      expect([endpoint.name, doc.paths[endpoint.path]?.[endpoint.method.toLowerCase()]?.operationId]).toEqual([endpoint.name, endpoint.name])
    }
    expect(Object.keys(doc.paths)).toContain("/v1/tenants/{tenant}/agents/{agent}:evaluate")
    const stream = doc.paths[evaluationRunEvents.path].get.responses["200"].content
    expect(Object.keys(stream)).toEqual(["text/event-stream"])
  })

  it("declares no parameter twice on any operation", async () => {
    const doc = await served()
    for (const [path, method, op] of operationsOf(doc)) {
      const keys = (op.parameters ?? []).map((p: Json) => resolve(doc, p)).map((p: Json) => `${p.in}:${p.name.toLowerCase()}`)
      expect({ at: `${method} ${path}`, keys }).toEqual({ at: `${method} ${path}`, keys: [...new Set(keys)] })
    }
  })

  it("describes the gateway's own statuses as problem+json, and its headers", async () => {
    const doc = await served()
    for (const endpoint of allEndpoints) {
      const op = doc.paths[endpoint.path][endpoint.method.toLowerCase()]
      const statuses = [401, 403, 429, 502, 503, 504, ...(endpoint.ifMatch === "required" ? [428] : [])]
      for (const status of statuses) {
        const response = resolve(doc, op.responses[String(status)] ?? {})
        expect([endpoint.name, status, Object.keys(response.content ?? {})]).toEqual([endpoint.name, status, [PROBLEM_CONTENT_TYPE]])
        if (status === 429 || status === 503) expect(response.headers).toHaveProperty("Retry-After")
        expect(response.headers).toHaveProperty("X-Request-Id")
      }
      const success = op.responses[String(endpoint.successStatus)]
      expect([endpoint.name, Object.keys(success.headers ?? {})]).toEqual([endpoint.name, expect.arrayContaining(["X-Request-Id"])])
      const names = (op.parameters as Array<Json>).map((p) => resolve(doc, p).name)
      expect(names).toContain("X-Request-Id")
      if (endpoint.retry === "creating") {
        expect(names.filter((n) => n === "Idempotency-Key")).toHaveLength(1)
        expect(success.headers).toHaveProperty("Idempotent-Replayed")
      }
      expect(op.security).toEqual([{ gatewayApiKey: [] }])
    }
  })

  it("describes ?wait (and the 202 it can answer), ?dedupe and the operations routes", async () => {
    const doc = await served()
    const names = (op: Json) => (op.parameters as Array<Json>).map((p) => resolve(doc, p).name)
    const getRun = doc.paths[Endpoints.getEvaluationRun.path].get
    expect(names(getRun)).toEqual(expect.arrayContaining(["wait", "If-None-Match"]))
    const evaluate = doc.paths[Endpoints.evaluate.path].post
    expect(names(evaluate)).toContain("wait")
    expect(evaluate.responses["202"].headers).toHaveProperty("Location")
    expect(names(doc.paths[Endpoints.addToDatasets.path].post)).toContain("dedupe")
    for (const path of ["/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"]) {
      expect([path, doc.paths[path]?.get?.security]).toEqual([path, []])
    }
  })
})

describe("/docs", () => {
  it("serves the API reference page for this document, every asset from the gateway itself (no CDN)", async () => {
    const res = await gateway.app.request("/docs")
    expect(res.status).toBe(200)
    expect(res.headers.get("content-type")).toContain("text/html")
    const html = await res.text()
    expect(html).toContain("url: '/openapi.json'")
    // Nothing is loaded from another origin.
    expect(html).not.toMatch(/(?:src|href)=["']?(?:https?:)?\/\//)
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)
    expect(assets).toHaveLength(2)
    for (const asset of assets) {
      expect(asset.startsWith("/docs/")).toBe(true)
      const loaded = await gateway.app.request(asset)
      expect([asset, loaded.status]).toEqual([asset, 200])
      expect(loaded.headers.get("content-type")).toMatch(asset.endsWith(".css") ? /^text\/css/ : /^text\/javascript/)
      expect((await loaded.arrayBuffer()).byteLength).toBeGreaterThan(100_000)
    }
    // Only the page's own files are served from the package.
    expect((await gateway.app.request("/docs/assets/swagger-ui-dist/package.json")).status).toBe(404)
  })
})
