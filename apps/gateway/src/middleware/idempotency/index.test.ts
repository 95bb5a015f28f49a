import { FruxonError, Route } from "@fruxkit/core"
import { describe, expect, it } from "vitest"
import { middlewareApp, silentLogger } from "../../../test/support/middleware-app.js"
import { MemoryIdempotencyStore } from "../../idempotency/store.js"
import { GatewayProblem } from "../../problem.js"
import { toResponse } from "../../proxy/exchange.js"
import { bodyLimit } from "../body-limit/index.js"
import { requestId } from "../request-id/index.js"
import { routeMatch } from "../route-match/index.js"
import { idempotency, outcomeOfError, outcomeOfStatus } from "./index.js"
import { requestState } from "../../request-context.js"

const ADD = "/v1/tenants/demo/agents/a1/executionRecords/r1:addToDatasets"
const GET = "/v1/tenants/demo/agents/a1"

/** An app whose last step counts its calls and answers like the upstream route; `fail` makes it throw instead. */
const make = (upstreamHonoursKeys = false) => {
  const calls = { count: 0, fail: false as false | "unknown" | "not-sent" }
  const app = middlewareApp()
  app.use(requestId({ logger: silentLogger }))
  app.use(routeMatch({ router: Route.makeRouter() }))
  app.use(async (c, next) => {
    requestState(c).principal = { id: c.req.header("x-who") ?? "key#1", tenants: "*" }
    await next()
  })
  app.use(bodyLimit({ maxBytes: 10_000 }))
  app.use(idempotency({ store: new MemoryIdempotencyStore({ ttlMs: 60_000 }), upstreamHonoursKeys }))
  app.all("*", async (c) => {
    calls.count++
    await new Promise((r) => setTimeout(r, 20))
    if (calls.fail === "unknown") throw new GatewayProblem(502, "upstream-unreachable", "Bad gateway")
    if (calls.fail === "not-sent") throw new FruxonError.TransportError({ request: { method: "POST", url: ADD, endpoint: "addToDatasets" }, reachedServer: false, code: "ECONNREFUSED" })
    const answer = { status: 200, headers: { "content-type": "application/json", "x-request-id": requestState(c).requestId }, body: new TextEncoder().encode(`{"call":${calls.count}}`) }
    requestState(c).upstreamAnswer = answer
    return toResponse(answer)
  })
  return { app, calls }
}

const post = (app: ReturnType<typeof make>["app"], headers: Record<string, string>, body = '{"datasetIds":["d1"]}') =>
  app.request(ADD, { method: "POST", headers: { "content-type": "application/json", ...headers }, body })

describe("idempotency", () => {
  it("runs a creating call once per key and caller; repeats (concurrent ones too) replay its answer with their own request id", async () => {
    const { app, calls } = make()
    const [first, concurrent] = await Promise.all([
      post(app, { "idempotency-key": "k1", "x-request-id": "first" }),
      post(app, { "idempotency-key": "k1", "x-request-id": "second" })
    ])
    const later = await post(app, { "idempotency-key": "k1", "x-request-id": "third" }, '{ "datasetIds": ["d1"] }')
    expect(calls.count).toBe(1)
    expect(await first.json()).toEqual({ call: 1 })
    expect(first.headers.get("idempotent-replayed")).toBeNull()
    for (const [res, id] of [[concurrent, "second"], [later, "third"]] as const) {
      expect(await res.json()).toEqual({ call: 1 })
      expect(res.headers.get("idempotent-replayed")).toBe("true")
      expect(res.headers.get("x-request-id")).toBe(id)
    }
    // Another caller with the same key is another request.
    expect(await (await post(app, { "idempotency-key": "k1", "x-who": "key#2" })).json()).toEqual({ call: 2 })
  })

  it("refuses the same key with another request (409) and a malformed key (400); passes calls without a key or that create nothing", async () => {
    const { app, calls } = make()
    await post(app, { "idempotency-key": "k2" })
    const reused = await post(app, { "idempotency-key": "k2" }, '{"datasetIds":["d2"]}')
    expect(reused.status).toBe(409)
    expect(((await reused.json()) as { type: string }).type).toContain("idempotency-key-reused")
    expect((await post(app, { "idempotency-key": "has space" })).status).toBe(400)
    await post(app, {})
    await post(app, {})
    await app.request(GET, { headers: { "idempotency-key": "k3" } })
    await app.request(GET, { headers: { "idempotency-key": "k3" } })
    expect(calls.count).toBe(5)
  })

  it("records a failure that may have acted as an unknown outcome (a repeat gets 409, nothing runs); one that provably did not act, not at all", async () => {
    const { app, calls } = make()
    calls.fail = "unknown"
    expect((await post(app, { "idempotency-key": "k4" })).status).toBe(502)
    calls.fail = false
    const repeat = await post(app, { "idempotency-key": "k4" })
    expect(repeat.status).toBe(409)
    expect(repeat.headers.get("idempotent-replayed")).toBe("true")
    expect(((await repeat.json()) as { type: string; check: string }).check).toBe("/v1/tenants/demo/agents/a1/executionRecords/r1/samples")
    expect(calls.count).toBe(1)

    calls.fail = "not-sent"
    expect((await post(app, { "idempotency-key": "k5" })).status).toBe(502)
    calls.fail = false
    const retried = await post(app, { "idempotency-key": "k5" })
    expect(retried.status).toBe(200)
    expect(retried.headers.get("idempotent-replayed")).toBeNull()
    expect(calls.count).toBe(3)
  })

  it("asks an upstream that honours keys again after an unknown outcome (it answers exactly)", async () => {
    const { app, calls } = make(true)
    calls.fail = "unknown"
    expect((await post(app, { "idempotency-key": "k6" })).status).toBe(502)
    calls.fail = false
    expect((await post(app, { "idempotency-key": "k6" })).status).toBe(200)
    expect(calls.count).toBe(2)
  })

  it("reads an outcome from the status or the failure", () => {
    expect([200, 201, 204, 400, 404, 409, 422].map(outcomeOfStatus)).toEqual(Array(7).fill("final"))
    expect([408, 429, 503].map(outcomeOfStatus)).toEqual(Array(3).fill("not-acted"))
    expect([500, 502, 504].map(outcomeOfStatus)).toEqual(Array(3).fill("unknown"))
    const request = { method: "POST", url: ADD, endpoint: "addToDatasets" }
    expect(outcomeOfError(new FruxonError.TransportError({ request, reachedServer: false, code: "ECONNREFUSED" }))).toBe("not-acted")
    expect(outcomeOfError(new FruxonError.TransportError({ request, reachedServer: "unknown", code: "ECONNRESET" }))).toBe("unknown")
    expect(outcomeOfError(new GatewayProblem(504, "gateway-timeout", "Gateway timeout"))).toBe("unknown")
    expect(outcomeOfError(new Error("anything else"))).toBe("unknown")
  })
})
