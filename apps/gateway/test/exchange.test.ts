import { describe, expect, it } from "vitest"
import { upstreamPath } from "../src/proxy/exchange.js"
import { router, type MatchedRoute } from "../src/routes.js"

const matched = (method: string, path: string) => router.match(method, path) as MatchedRoute

describe("upstreamPath", () => {
  it("forwards the matched path and the query minus the gateway's own parameters", () => {
    const path = "/v1/tenants/demo/agents/a1/evaluationRuns/r1"
    expect(upstreamPath(matched("GET", path), `http://gw${path}`)).toBe(path)
    expect(upstreamPath(matched("GET", path), `http://gw${path}?wait=30s&x=1`)).toBe(`${path}?x=1`)
    expect(upstreamPath(matched("GET", path), `http://gw${path}?wait=30s`)).toBe(path)
  })

  it("rebuilds the path from the parameters when the raw one is encoded or has a trailing slash", () => {
    const canonical = "/v1/tenants/demo/agents/a1"
    expect(upstreamPath(matched("GET", "/v1/tenants/demo/agents/%61%31"), "http://gw/v1/tenants/demo/agents/%61%31")).toBe(canonical)
    expect(upstreamPath(matched("GET", `${canonical}/`), `http://gw${canonical}/?PageSize=1`)).toBe(`${canonical}?PageSize=1`)
    const verb = "/v1/tenants/demo/agents/a1:evaluate"
    expect(upstreamPath(matched("POST", verb), `http://gw${verb}?dedupe=false`)).toBe(verb)
  })
})
