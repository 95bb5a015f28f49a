/** Idempotency-Key through the whole gateway over sockets (replay, conflict, concurrent repeats, per-key scope, with ?wait). */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { FakeFruxon } from "@fruxkit/testkit"
import { upstreamKeyOf } from "../src/idempotency/store.js"
import { startGatewayOverFake, type TestGateway } from "./support/gateway-server.js"

const T = "/v1/tenants/demo/agents/support_bot"
const KEY_A = "idem-key-a-0123456789abcdef"
const KEY_B = "idem-key-b-0123456789abcdef"
const DS1 = "11111111-1111-4111-8111-111111111111"
const DS2 = "22222222-2222-4222-8222-222222222222"

let fake: FakeFruxon
let gw: TestGateway

beforeAll(async () => {
  ({ fake, gw } = await startGatewayOverFake({
    apiKeys: [
      { key: KEY_A, tenants: ["demo"] },
      { key: KEY_B, tenants: "*" }
    ]
  }))
})
afterAll(async () => {
  await gw.close()
})

const add = (record: string, body: unknown, headers: Record<string, string> = {}, query = "") =>
  fetch(`${gw.url}${T}/executionRecords/${record}:addToDatasets${query}`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY_A}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body)
  })
const addCalls = (record: string) => fake.count(new RegExp(`/executionRecords/${record}:addToDatasets$`), "POST")

describe("Idempotency-Key", () => {
  it("replays the first response for a repeat with the same body", async () => {
    const first = await add("rec-i1", { datasetIds: [DS1], tags: ["a", "b"] }, { "idempotency-key": "k-1" })
    const firstBody = await first.text()
    expect(first.status).toBe(200)
    expect(first.headers.get("idempotent-replayed")).toBeNull()
    // Same body, other key order: the same request.
    const again = await add("rec-i1", { tags: ["a", "b"], datasetIds: [DS1] }, { "idempotency-key": "k-1" })
    expect(again.status).toBe(200)
    expect(again.headers.get("idempotent-replayed")).toBe("true")
    expect(await again.text()).toBe(firstBody)
    expect(addCalls("rec-i1")).toBe(1)
    // The upstream got the key too, scoped to the caller (lets an upstream that deduplicates do so; two callers' "k-1" stay apart).
    expect(fake.requests.find((r) => r.url.includes("rec-i1"))!.headers["idempotency-key"]).toBe(upstreamKeyOf("key#1", "k-1"))
  })

  it("answers 409 problem for the same key with a different body", async () => {
    await add("rec-i2", { datasetIds: [DS1] }, { "idempotency-key": "k-2" })
    const conflict = await add("rec-i2", { datasetIds: [DS2] }, { "idempotency-key": "k-2" })
    expect(conflict.status).toBe(409)
    expect(conflict.headers.get("content-type")).toContain("application/problem+json")
    expect(((await conflict.json()) as { type: string }).type).toMatch(/idempotency-key-reused$/)
    expect(addCalls("rec-i2")).toBe(1)
  })

  it("makes concurrent repeats wait for the first instead of calling upstream again", async () => {
    fake.inject(/rec-i3:addToDatasets/, { kind: "delay", ms: 300 })
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => add("rec-i3", { datasetIds: [DS1] }, { "idempotency-key": "k-3" }))
    )
    const bodies = await Promise.all(answers.map((a) => a.text()))
    expect(answers.every((a) => a.status === 200)).toBe(true)
    expect(new Set(bodies).size).toBe(1)
    expect(answers.filter((a) => a.headers.get("idempotent-replayed") === "true")).toHaveLength(7)
    expect(addCalls("rec-i3")).toBe(1)
  })

  it("keeps keys apart per API key", async () => {
    await add("rec-i4", { datasetIds: [DS1] }, { "idempotency-key": "shared" })
    const other = await add("rec-i4", { datasetIds: [DS1] }, { "idempotency-key": "shared", authorization: `Bearer ${KEY_B}` })
    expect(other.headers.get("idempotent-replayed")).toBeNull()
    expect(addCalls("rec-i4")).toBe(2)
  })

  it("records an unknown outcome when the upstream acted but the answer was lost: a repeat is told where to look, never sent again", async () => {
    // Reset after the upstream created the sample, and a 500 (which may follow an action too).
    for (const [record, fault] of [["rec-i5", { kind: "actThenReset" }], ["rec-i5b", { kind: "status", status: 500 }]] as const) {
      fake.inject(new RegExp(`${record}:addToDatasets`), fault)
      const lost = await add(record, { datasetIds: [DS1] }, { "idempotency-key": `k-${record}` })
      expect(lost.status).toBeGreaterThanOrEqual(500)
      const created = fake.model.samples.filter((s) => s.executionId === record).length
      for (let i = 0; i < 2; i++) {
        const repeat = await add(record, { datasetIds: [DS1] }, { "idempotency-key": `k-${record}` })
        expect(repeat.status).toBe(409)
        expect(repeat.headers.get("idempotent-replayed")).toBe("true")
        const problem = (await repeat.json()) as { type: string; check: string; detail: string }
        expect(problem.type).toMatch(/idempotency-outcome-unknown$/)
        expect(problem.check).toBe(`${T}/executionRecords/${record}/samples`)
        expect(problem.detail).toContain(`GET ${T}/executionRecords/${record}/samples`)
      }
      expect(addCalls(record)).toBe(1)
      expect(fake.model.samples.filter((s) => s.executionId === record).length).toBe(created)
    }
    // The reset one did act: the sample is there to be found in the list the problem names.
    expect(fake.model.samples.filter((s) => s.executionId === "rec-i5")).toHaveLength(1)
  })

  it("keeps nothing when the upstream said it did not act (503 + a Retry-After past the gateway's wait): a repeat runs", async () => {
    fake.inject(/rec-i7:addToDatasets/, { kind: "status", status: 503, retryAfter: "60" })
    const refused = await add("rec-i7", { datasetIds: [DS1] }, { "idempotency-key": "k-7" })
    expect(refused.status).toBe(503)
    const retried = await add("rec-i7", { datasetIds: [DS1] }, { "idempotency-key": "k-7" })
    expect(retried.status).toBe(200)
    expect(retried.headers.get("idempotent-replayed")).toBeNull()
    expect(addCalls("rec-i7")).toBe(2)
  })

  it("replays :evaluate (with ?wait) as the same run", async () => {
    const headers = { authorization: `Bearer ${KEY_A}`, "content-type": "application/json", "idempotency-key": "eval-1" }
    const first = await fetch(`${gw.url}${T}:evaluate?wait=100ms`, { method: "POST", headers, body: "{}" })
    const again = await fetch(`${gw.url}${T}:evaluate?wait=100ms`, { method: "POST", headers, body: "{}" })
    const a = (await first.json()) as { id: string }
    const b = (await again.json()) as { id: string }
    expect(b.id).toBe(a.id)
    expect(again.headers.get("idempotent-replayed")).toBe("true")
  })

  it("refuses a malformed key with 400", async () => {
    const res = await add("rec-i6", { datasetIds: [DS1] }, { "idempotency-key": "has space" })
    expect(res.status).toBe(400)
    expect(JSON.stringify(await res.json())).toContain("header.Idempotency-Key")
    expect(addCalls("rec-i6")).toBe(0)
  })

  it("sends the key upstream on ?dedupe=true too, scoped to the caller, and replays a repeat", async () => {
    const first = await add("rec-i8", { datasetIds: [DS1, DS2] }, { "idempotency-key": "k-8" }, "?dedupe=true")
    expect([first.status, first.status === 200 ? "" : await first.text()]).toEqual([200, ""])
    const creates = fake.requests.filter((r) => r.method === "POST" && r.url.includes("rec-i8:addToDatasets"))
    expect(creates).toHaveLength(1)
    expect(creates[0]!.headers["idempotency-key"]).toBe(upstreamKeyOf("key#1", "k-8"))
    // The read of what exists is not a create: it carries no key.
    expect(fake.requests.find((r) => r.method === "GET" && r.url.includes("rec-i8/samples"))!.headers["idempotency-key"]).toBeUndefined()
    const again = await add("rec-i8", { datasetIds: [DS1, DS2] }, { "idempotency-key": "k-8" }, "?dedupe=true")
    expect([again.status, again.headers.get("idempotent-replayed")]).toEqual([200, "true"])
    expect(addCalls("rec-i8")).toBe(1)
  })
})
