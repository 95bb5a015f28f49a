/** Rate limit, load shedding and body limit over real sockets, in front of a fake upstream. */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { FakeFruxon } from "@fruxkit/testkit"
import { startGatewayOverFake, type TestGateway } from "./support/gateway-server.js"

const T = "/v1/tenants/demo/agents/support_bot"
const KEY_1 = "limits-key-1-0123456789abcdef"
const KEY_2 = "limits-key-2-0123456789abcdef"
const KEY_3 = "limits-key-3-0123456789abcdef"

let fake: FakeFruxon
let gw: TestGateway

beforeAll(async () => {
  ({ fake, gw } = await startGatewayOverFake({
    apiKeys: [
      { key: KEY_1, tenants: "*" },
      { key: KEY_2, tenants: "*" },
      { key: KEY_3, tenants: "*" }
    ],
    // 1/s refill: a slow (loaded) machine cannot refill a token in the middle of the burst.
    rateLimitPerSecond: 1,
    rateLimitBurst: 5,
    maxUpstreamConcurrency: 3,
    bodyLimitBytes: 1024
  }))
})
afterAll(async () => {
  await gw.close()
})

const as = (key: string) => ({ authorization: `Bearer ${key}` })

describe("limits", () => {
  it("rate limits per key with 429 + Retry-After", async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => fetch(`${gw.url}${T}?marker=rl`, { headers: as(KEY_1) })))
    const statuses = answers.map((a) => a.status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(5)
    const limited = answers.filter((a) => a.status === 429)
    expect(limited).toHaveLength(3)
    expect(Number(limited[0]!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1)
    expect(limited[0]!.headers.get("content-type")).toContain("application/problem+json")
    expect(fake.count(/support_bot$/, "GET")).toBeGreaterThanOrEqual(5)
    // Another key has its own bucket.
    expect((await fetch(`${gw.url}${T}`, { headers: as(KEY_2) })).status).toBe(200)
  })

  it("sheds load past the upstream concurrency cap with 503 + Retry-After", async () => {
    fake.inject(/marker=shed/, ...Array.from({ length: 5 }, () => ({ kind: "delay" as const, ms: 400 })))
    const before = fake.count(/support_bot$/, "GET")
    const answers = await Promise.all(Array.from({ length: 5 }, () => fetch(`${gw.url}${T}?marker=shed`, { headers: as(KEY_3) })))
    const statuses = answers.map((a) => a.status).sort()
    expect(statuses).toEqual([200, 200, 200, 503, 503])
    const shed = answers.find((a) => a.status === 503)!
    expect(shed.headers.get("retry-after")).toBe("1")
    expect(((await shed.json()) as { type: string }).type).toMatch(/overloaded$/)
    // Shed requests never reached the upstream.
    expect(fake.count(/support_bot$/, "GET") - before).toBe(3)
    expect(await (await fetch(`${gw.url}/metrics`)).text()).toMatch(/fruxkit_gateway_shed_total 2\b/)
  })

  it("with a queue deadline, a request at the cap waits for the slot; one no slot frees for in time is 503 + Retry-After", async () => {
    const queued = await startGatewayOverFake({ maxUpstreamConcurrency: 1, queueDeadlineMs: 20_000 })
    const short = await startGatewayOverFake({ maxUpstreamConcurrency: 1, queueDeadlineMs: 100 })
    try {
      queued.fake.inject(/marker=queued/, { kind: "delay", ms: 300 }, { kind: "delay", ms: 300 })
      const waited = await Promise.all([0, 1].map(() => fetch(`${queued.gw.url}${T}?marker=queued`)))
      expect(waited.map((a) => a.status)).toEqual([200, 200])
      expect(queued.fake.count(/support_bot$/, "GET")).toBe(2)

      short.fake.inject(/marker=expired/, { kind: "delay", ms: 1500 })
      const answers = await Promise.all([0, 1].map(() => fetch(`${short.gw.url}${T}?marker=expired`)))
      expect(answers.map((a) => a.status).sort()).toEqual([200, 503])
      const refused = answers.find((a) => a.status === 503)!
      expect(refused.headers.get("retry-after")).toBe("1")
      expect(((await refused.json()) as { detail: string }).detail).toContain("queue deadline")
      // The refused request never reached the upstream.
      expect(short.fake.count(/support_bot$/, "GET")).toBe(1)
    } finally {
      await queued.gw.close()
      await short.gw.close()
    }
  })

  it("refuses bodies over the limit with 413, declared or streamed, forwarding nothing", async () => {
    const before = fake.requests.length
    const big = JSON.stringify({ tags: ["x".repeat(2000)] })
    const declared = await fetch(`${gw.url}${T}/executionRecords/r1:addToDatasets`, {
      method: "POST",
      headers: { ...as(KEY_2), "content-type": "application/json" },
      body: big
    })
    expect(declared.status).toBe(413)
    const streamed = await fetch(`${gw.url}${T}/executionRecords/r1:addToDatasets`, {
      method: "POST",
      headers: { ...as(KEY_2), "content-type": "application/json" },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 8; i++) controller.enqueue(new TextEncoder().encode(" ".repeat(300)))
          controller.close()
        }
      }),
      duplex: "half"
    } as RequestInit)
    expect(streamed.status).toBe(413)
    expect(streamed.headers.get("content-type")).toContain("application/problem+json")
    expect(fake.requests.length).toBe(before)
  })
})
