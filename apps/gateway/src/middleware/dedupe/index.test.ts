/** `:addToDatasets?dedupe=true` through the gateway's app (a fake remote Fruxon on loopback behind it). */
import { allEndpoints } from "@fruxkit/core"
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

describe("which endpoints take ?dedupe", () => {
  /** A concrete path for an endpoint's template (valid values for every parameter). */
  const pathFor = (template: string) =>
    template.replace(/\{(\w+)\}/g, (_, name: string) =>
      name === "tenant" ? "demo" : name === "agent" ? "support_bot" : name === "revision" ? "2" : "44444444-4444-4444-8444-444444444444"
    )

  it("exactly the endpoints the table marks (endpoint.dedupe), answered before anything is forwarded", async () => {
    const before = fake.requests.length
    for (const endpoint of allEndpoints) {
      const res = await gw.gateway.app.request(`${pathFor(endpoint.path)}?dedupe=maybe`, {
        method: endpoint.method,
        headers: { "content-type": "application/json", "x-api-key": "frx_key" },
        ...(endpoint.method === "POST" || endpoint.method === "PUT" ? { body: "{}" } : {})
      })
      expect([endpoint.name, res.status]).toEqual([endpoint.name, 400])
      const issue = ((await res.json()) as { errors: Array<{ path: string; message: string }> }).errors.find((e) => e.path === "query.dedupe")
      // A marked endpoint reads the value (and finds it is not a boolean); any other refuses the parameter itself.
      expect([endpoint.name, issue?.message]).toEqual([endpoint.name, endpoint.dedupe !== undefined ? "must be true or false" : expect.stringMatching(/^is only accepted on /)])
    }
    expect(fake.requests.length).toBe(before)
  })
})
