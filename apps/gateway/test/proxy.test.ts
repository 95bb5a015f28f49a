/** Proxying over real sockets to a fake remote upstream: routing, validation, credentials, the deadline. */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createRemoteUpstream } from "../src/upstream/remote.js"
import type { FakeFruxon } from "@fruxkit/testkit"
import { startGateway, startGatewayOverFake, type TestGateway } from "./support/gateway-server.js"

const UPSTREAM_TOKEN = "upstream-token-0123456789-SECRET"
const API_KEY = "gw-key-demo-0123456789abcdef"
const OTHER_KEY = "gw-key-acme-0123456789abcdef"
const T = "/v1/tenants/demo/agents/support_bot"
const auth = { authorization: `Bearer ${API_KEY}` }

let fake: FakeFruxon
let gw: TestGateway

beforeAll(async () => {
  ({ fake, gw } = await startGatewayOverFake({
    apiKeys: [
      { key: API_KEY, tenants: ["demo"] },
      { key: OTHER_KEY, tenants: ["acme"] }
    ],
    requestTimeoutMs: 1500
  }, { token: UPSTREAM_TOKEN }))
})
afterAll(async () => {
  await gw.close()
})

const countFor = (pattern: RegExp) => fake.requests.filter((r) => pattern.test(r.url)).length

describe("routing", () => {
  it("forwards a GET and passes unknown response fields through", async () => {
    const res = await fetch(`${gw.url}${T}`, { headers: auth })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({ id: "support_bot", upstreamOnly: "kept" })
    expect(res.headers.get("x-request-id")).toBeTruthy()
  })

  it("matches custom methods literally: GET …/agents/a1:evaluate is not agent 'a1:evaluate'", async () => {
    const before = fake.requests.length
    const res = await fetch(`${gw.url}/v1/tenants/demo/agents/a1:evaluate`, { headers: auth })
    expect(res.status).toBe(405)
    expect(res.headers.get("allow")).toBe("POST")
    expect(res.headers.get("content-type")).toContain("application/problem+json")
    expect(fake.requests.length).toBe(before)
  })

  it("answers an unknown route with a 404 problem", async () => {
    const res = await fetch(`${gw.url}/v1/tenants/demo/nothing/here`, { headers: auth })
    expect(res.status).toBe(404)
    expect(res.headers.get("content-type")).toContain("application/problem+json")
    const problem = (await res.json()) as { type: string; status: number }
    expect(problem.status).toBe(404)
    const outside = await fetch(`${gw.url}/not-an-api`)
    expect(outside.status).toBe(404)
    expect(outside.headers.get("content-type")).toContain("application/problem+json")
  })

  it("rewrites a non-problem upstream error as problem+json", async () => {
    fake.inject(/agents\/legacy_bot$/, { kind: "json", status: 404, body: { message: "agent not found", details: "legacy error shape" } })
    const res = await fetch(`${gw.url}/v1/tenants/demo/agents/legacy_bot`, { headers: auth })
    expect(res.status).toBe(404)
    expect(res.headers.get("content-type")).toContain("application/problem+json")
    expect(await res.json()).toMatchObject({ title: "agent not found", detail: "legacy error shape", status: 404 })
  })

  it("does not pass upstream cookies or internal headers back", async () => {
    const res = await fetch(`${gw.url}${T}`, { headers: auth })
    expect(res.headers.get("set-cookie")).toBeNull()
    expect(res.headers.get("x-internal")).toBeNull()
  })
})

describe("validation before forwarding", () => {
  it("refuses an invalid body with 400 and field paths, forwarding nothing", async () => {
    const before = countFor(/addToDatasets/)
    const res = await fetch(`${gw.url}${T}/executionRecords/rec1:addToDatasets`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ datasetIds: ["not-a-uuid"], quality: "EXCELLENT", extra: 1 })
    })
    expect(res.status).toBe(400)
    const problem = (await res.json()) as { errors: Array<{ path: string }> }
    const paths = problem.errors.map((e) => e.path)
    expect(paths).toEqual(expect.arrayContaining(["body.datasetIds[0]", "body.quality", "body.extra"]))
    expect(countFor(/addToDatasets/)).toBe(before)
  })

  it("refuses malformed JSON, bad path parameters and bad query values", async () => {
    const before = fake.requests.length
    const badJson = await fetch(`${gw.url}${T}:evaluate`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: "{nope"
    })
    expect(badJson.status).toBe(400)
    expect(((await badJson.json()) as { errors: Array<{ path: string }> }).errors[0]!.path).toBe("body")
    const badRevision = await fetch(`${gw.url}${T}/revisions/-1`, { headers: auth })
    expect(badRevision.status).toBe(400)
    expect(JSON.stringify(await badRevision.json())).toContain("path.revision")
    const badPage = await fetch(`${gw.url}${T}/evaluationRuns?PageSize=0`, { headers: auth })
    expect(badPage.status).toBe(400)
    expect(JSON.stringify(await badPage.json())).toContain("query.PageSize")
    const badWait = await fetch(`${gw.url}${T}/evaluationRuns/r1?wait=soon`, { headers: auth })
    expect(badWait.status).toBe(400)
    expect(JSON.stringify(await badWait.json())).toContain("query.wait")
    expect(fake.requests.length).toBe(before)
  })

  it("never echoes candidateExternalConfig secret values in a validation error", async () => {
    const secret = "sk-live-external-SECRET-98765"
    const res = await fetch(`${gw.url}${T}:evaluate`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ candidateExternalConfig: { parameters: { api_key: { value: secret } } } })
    })
    expect(res.status).toBe(400)
    expect(await res.text()).not.toContain(secret)
    expect(gw.logs()).not.toContain(secret)
  })
})

describe("auth and credentials", () => {
  it("401 without a key or with a wrong one, 403 for another tenant", async () => {
    const none = await fetch(`${gw.url}${T}`)
    expect(none.status).toBe(401)
    expect(none.headers.get("content-type")).toContain("application/problem+json")
    const wrong = await fetch(`${gw.url}${T}`, { headers: { authorization: "Bearer gw-key-wrong-0000000000000" } })
    expect(wrong.status).toBe(401)
    const other = await fetch(`${gw.url}${T}`, { headers: { authorization: `Bearer ${OTHER_KEY}` } })
    expect(other.status).toBe(403)
    const viaHeader = await fetch(`${gw.url}/v1/tenants/acme/agents/support_bot`, { headers: { "x-api-key": OTHER_KEY } })
    expect(viaHeader.status).toBe(200)
  })

  it("never forwards the client's credentials; injects the gateway's token", async () => {
    await fetch(`${gw.url}${T}?marker=cred`, { headers: { ...auth, cookie: "session=abc" } })
    const seen = fake.requests.find((r) => r.url.includes("marker=cred"))!
    expect(seen.headers.authorization).toBe(`Bearer ${UPSTREAM_TOKEN}`)
    expect(JSON.stringify(seen.headers)).not.toContain(API_KEY)
    expect(seen.headers.cookie).toBeUndefined()
    expect(seen.headers["x-request-id"]).toBeTruthy()
  })

  it("turns an upstream 401 (the gateway's token refused) into a 502, not a 401 the client would misread", async () => {
    fake.inject(/marker=up401/, { kind: "status", status: 401, body: { title: "Unauthorized", status: 401 } })
    const res = await fetch(`${gw.url}${T}?marker=up401`, { headers: auth })
    expect(res.status).toBe(502)
    expect(((await res.json()) as { type: string }).type).toMatch(/upstream-unauthorized$/)
  })

  it("accepts and forwards the client's X-Request-Id", async () => {
    const res = await fetch(`${gw.url}${T}?marker=rid`, { headers: { ...auth, "x-request-id": "client-req-42" } })
    expect(res.headers.get("x-request-id")).toBe("client-req-42")
    expect(fake.requests.find((r) => r.url.includes("marker=rid"))!.headers["x-request-id"]).toBe("client-req-42")
    expect(gw.logs()).toContain('"requestId":"client-req-42"')
  })
})

describe("deadline on an upstream that ignores the request's signal", () => {
  it("still answers 504 at the deadline (the handler is raced against it), and frees the request", async () => {
    const remote = createRemoteUpstream({ url: fake.url, token: UPSTREAM_TOKEN })
    // Not settlesOnAbort: the gateway must not rely on the call giving up by itself.
    const deaf = {
      ...remote,
      settlesOnAbort: false,
      send: (request: Parameters<typeof remote.send>[0]) => remote.send({ ...request, signal: undefined }),
      // The stalled call never ends by itself; the fake upstream ends it when it closes (afterAll).
      close: async () => {}
    }
    const deafGateway = await startGateway(deaf, { requestTimeoutMs: 300 })
    try {
      fake.inject(/marker=deaf/, { kind: "stall" })
      const started = Date.now()
      const res = await fetch(`${deafGateway.url}${T}?marker=deaf`)
      expect(res.status).toBe(504)
      expect(((await res.json()) as { detail: string }).detail).toContain("300 ms")
      expect(Date.now() - started).toBeLessThan(2000)
      expect(deafGateway.gateway.inFlight()).toBe(0)
    } finally {
      await deafGateway.close()
      void remote.close()
    }
  })
})
