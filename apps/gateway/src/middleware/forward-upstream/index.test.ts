/**
 * The last step: forwarding upstream with core's retry policy, through the
 * gateway's app (a fake remote Fruxon on loopback behind it, with injected
 * faults): which calls are repeated, which are not, and the deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { FakeFruxon } from "@fruxkit/testkit"
import { startGatewayOverFake, type TestGateway } from "../../../test/support/gateway-server.js"

const T = "/v1/tenants/demo/agents/support_bot"
const API_KEY = "gw-key-demo-0123456789abcdef"
const auth = { authorization: `Bearer ${API_KEY}` }

let fake: FakeFruxon
let gw: TestGateway

beforeAll(async () => {
  ({ fake, gw } = await startGatewayOverFake({
    apiKeys: [{ key: API_KEY, tenants: ["demo"] }],
    requestTimeoutMs: 1500
  }))
})
afterAll(async () => {
  await gw.close()
})

const countFor = (pattern: RegExp) => fake.requests.filter((r) => pattern.test(r.url)).length

describe("retries and faults", () => {
  it("retries a GET after 503 + Retry-After", async () => {
    fake.inject(/marker=retry503/, { kind: "status", status: 503, retryAfter: "0" })
    const res = await gw.gateway.app.request(`${T}?marker=retry503`, { headers: auth })
    expect(res.status).toBe(200)
    expect(countFor(/marker=retry503/)).toBe(2)
  })

  it("retries a GET after a connection reset", async () => {
    fake.inject(/marker=reset/, { kind: "reset" })
    const res = await gw.gateway.app.request(`${T}?marker=reset`, { headers: auth })
    expect(res.status).toBe(200)
    expect(countFor(/marker=reset/)).toBe(2)
  })

  it("does not repeat a creating call after a reset (it may have reached the server)", async () => {
    fake.inject(/rec-reset:addToDatasets/, { kind: "reset" })
    const res = await gw.gateway.app.request(`${T}/executionRecords/rec-reset:addToDatasets`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ datasetIds: ["6f1c1a9e-7a53-4d7e-9a53-0a5e7c1d2b3f"] })
    })
    expect(res.status).toBe(502)
    expect(res.headers.get("content-type")).toContain("application/problem+json")
    expect(countFor(/rec-reset:addToDatasets/)).toBe(1)
  })

  it("repeats a creating call the upstream refused with 503 + Retry-After", async () => {
    fake.inject(/rec-503:addToDatasets/, { kind: "status", status: 503, retryAfter: "0" })
    const res = await gw.gateway.app.request(`${T}/executionRecords/rec-503:addToDatasets`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ datasetIds: ["6f1c1a9e-7a53-4d7e-9a53-0a5e7c1d2b3f"] })
    })
    expect(res.status).toBe(200)
    expect(countFor(/rec-503:addToDatasets/)).toBe(2)
  })

  it("passes a long Retry-After on to the client instead of holding the request", async () => {
    fake.inject(/marker=longwait/, { kind: "status", status: 503, retryAfter: "120" })
    const res = await gw.gateway.app.request(`${T}?marker=longwait`, { headers: auth })
    expect(res.status).toBe(503)
    expect(res.headers.get("retry-after")).toBe("120")
    expect(countFor(/marker=longwait/)).toBe(1)
  })

  it("answers 504 when the upstream stalls, and 504 when its body is too slow", async () => {
    fake.inject(/marker=stall/, { kind: "stall" }, { kind: "stall" }, { kind: "stall" })
    const started = Date.now()
    const stalled = await gw.gateway.app.request(`${T}?marker=stall`, { headers: auth })
    expect(stalled.status).toBe(504)
    expect(stalled.headers.get("content-type")).toContain("application/problem+json")
    expect(Date.now() - started).toBeLessThan(4000)
    fake.inject(/marker=slow/, { kind: "slowBody", chunkDelayMs: 200, chunks: 20 })
    const slow = await gw.gateway.app.request(`${T}?marker=slow`, { headers: auth })
    expect(slow.status).toBe(504)
  })
})
