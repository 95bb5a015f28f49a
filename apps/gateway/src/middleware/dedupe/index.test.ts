/** `:addToDatasets?dedupe=true` through the gateway's app (a fake remote Fruxon on loopback behind it). */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { FakeFruxon } from "@fruxkit/testkit"
import { startGatewayOverFake, type TestGateway } from "../../../test/support/gateway-server.js"

const T = "/v1/tenants/demo/agents/support_bot"
const DS1 = "11111111-1111-4111-8111-111111111111"
const DS2 = "22222222-2222-4222-8222-222222222222"
const DS3 = "33333333-3333-4333-8333-333333333333"

let fake: FakeFruxon
let gw: TestGateway

beforeAll(async () => {
  ({ fake, gw } = await startGatewayOverFake())
})
afterAll(async () => {
  await gw.close()
})

const add = (record: string, body: unknown, query = "") =>
  gw.gateway.app.request(`${T}/executionRecords/${record}:addToDatasets${query}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body)
  })
const addCalls = (record: string) => fake.count(new RegExp(`/executionRecords/${record}:addToDatasets$`), "POST")

describe("addToDatasets?dedupe=true", () => {
  it("creates only the samples missing for the execution record", async () => {
    const first = await add("rec-d1", { datasetIds: [DS1, DS2], quality: "GOOD" }, "?dedupe=true")
    expect(first.status).toBe(200)
    expect((await first.json()) as Array<unknown>).toHaveLength(2)
    expect(first.headers.get("fruxkit-dedupe-skipped")).toBe("")

    const second = await add("rec-d1", { datasetIds: [DS1, DS2, DS3], quality: "GOOD" }, "?dedupe=true")
    const created = (await second.json()) as Array<{ datasetId: string }>
    expect(created.map((s) => s.datasetId)).toEqual([DS3])
    expect(second.headers.get("fruxkit-dedupe-skipped")).toBe(`${DS1},${DS2}`)
    // The samples were read first, and only the missing dataset was sent.
    const lastAdd = fake.requests.filter((r) => r.url.endsWith("rec-d1:addToDatasets")).at(-1)!
    expect(JSON.parse(lastAdd.body).datasetIds).toEqual([DS3])
    expect(fake.count(/rec-d1\/samples$/, "GET")).toBe(2)

    const third = await add("rec-d1", { datasetIds: [DS1] }, "?dedupe=true")
    expect(await third.json()).toEqual([])
    expect(addCalls("rec-d1")).toBe(2)
    expect(fake.model.samples.filter((s) => s.executionId === "rec-d1")).toHaveLength(3)
  })

  it("without dedupe, adding again creates new samples (the API never upserts)", async () => {
    await add("rec-d2", { datasetIds: [DS1] })
    await add("rec-d2", { datasetIds: [DS1] })
    expect(fake.model.samples.filter((s) => s.executionId === "rec-d2")).toHaveLength(2)
  })

  it("refuses dedupe on other endpoints and bad values", async () => {
    const bad = await add("rec-d3", { datasetIds: [DS1] }, "?dedupe=maybe")
    expect(bad.status).toBe(400)
    const elsewhere = await gw.gateway.app.request(`${T}?dedupe=true`)
    expect(elsewhere.status).toBe(400)
  })
})
