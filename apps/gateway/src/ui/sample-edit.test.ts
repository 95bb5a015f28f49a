/**
 * Changing one sample when adding the execution's samples back fails
 * part-way: the page lists what was saved and what is missing, and its retry
 * adds exactly the missing ones. A real gateway app in front of the embedded
 * backend (temp SQLite, demo data); the one fault — an `:addToDatasets`
 * answered 503 — is injected between the viewer and the gateway. The happy
 * path is driven in Chromium (test/viewer-browser.test.ts).
 */
import type { Dataset, ExecutionRecordSample } from "@fruxkit/core"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createGateway, type Gateway } from "../app.js"
import { defaultConfig } from "../config.js"
import { createLogger } from "../logger.js"
import { createMetrics } from "../metrics.js"
import { startLocalBackend } from "../upstream/embedded.js"
import { createViewer, type Viewer } from "./index.js"
import { groupsAfter } from "./sample-edit.js"

const ORIGIN = "http://127.0.0.1:8787"
const API = `${ORIGIN}/v1/tenants/demo/agents/support_bot`
const UI = "/t/demo/agents/support_bot"

let dir: string
let gateway: Gateway
let viewer: Viewer
/** How many `:addToDatasets` calls from the viewer still succeed before one fails (Infinity: none fails). */
let addsBeforeFailure = Infinity
const added: Array<unknown> = []

const call = async <A>(method: string, url: string, body?: unknown): Promise<A> => {
  const res = await gateway.app.request(url, { method, ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }) })
  expect(res.status, `${method} ${url}`).toBeLessThan(300)
  return (res.status === 204 ? undefined : await res.json()) as A
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "fruxkit-sample-edit-"))
  gateway = createGateway(defaultConfig({ rateLimitPerSecond: 0, logLevel: "warn" }), {
    upstream: await startLocalBackend(dir),
    logger: createLogger({ level: "warn", secrets: [] }),
    metrics: createMetrics({ defaultMetrics: false })
  })
  viewer = createViewer({
    api: async (request) => {
      if (request.method === "POST" && request.url.endsWith(":addToDatasets")) {
        if (addsBeforeFailure <= 0) return new Response(JSON.stringify({ title: "Unavailable", status: 503 }), { status: 503, headers: { "content-type": "application/problem+json" } })
        addsBeforeFailure--
        added.push(await request.clone().json())
      }
      return gateway.app.fetch(request)
    },
    keysRequired: false
  })
}, 60_000)

afterAll(async () => {
  await viewer?.close()
  await gateway?.close()
  rmSync(dir, { recursive: true, force: true })
})

const post = (path: string, form: URLSearchParams) =>
  viewer.app.request(`${ORIGIN}${path}`, { method: "POST", headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" }, body: form })

describe("changing one sample when adding back fails", () => {
  it("lists what was saved and what is missing, and the retry adds exactly the missing samples", async () => {
    const { executionRecordId: execution } = await call<{ executionRecordId: string }>("POST", `${API}:execute`, { parameters: { question: "Can I change my address?" } })
    const golden = (await call<Array<Dataset>>("GET", `${API}/datasets`)).find((d) => d.name === "golden")!
    const other = await call<Dataset>("POST", `${API}/datasets`, { name: "sample-edit-other" })
    const third = await call<Dataset>("POST", `${API}/datasets`, { name: "sample-edit-third" })
    await call("POST", `${API}/executionRecords/${execution}:addToDatasets`, { datasetIds: [golden.id], quality: "GOOD", tags: ["address"] })
    await call("POST", `${API}/executionRecords/${execution}:addToDatasets`, { datasetIds: [other.id], quality: "BAD", tags: ["old"] })
    await call("POST", `${API}/executionRecords/${execution}:addToDatasets`, { datasetIds: [third.id], quality: "NEEDS_REVIEW", tags: [] })
    const samplesNow = () => call<Array<ExecutionRecordSample>>("GET", `${API}/executionRecords/${execution}/samples`)
    const before = await samplesNow()
    const edited = before.find((s) => s.datasetId === other.id)!
    const groups = groupsAfter(before, edited.id, { kind: "tags", tags: ["new", "fixed"] })
    expect(groups).toHaveLength(3)

    // The first group goes back, the second fails.
    addsBeforeFailure = 1
    const failed = await post(`${UI}/executions/${execution}/samples/${edited.id}/tags`, new URLSearchParams({ tags: "new, fixed, new" }))
    expect(failed.status).toBe(502)
    const html = await failed.text()
    expect(html).toContain("adding them back failed")
    const missing = [...html.matchAll(/name="group" value="([^"]+)"/g)].map((m) => JSON.parse(m[1]!.replaceAll("&quot;", '"')) as unknown)
    expect(missing).toEqual(groups.slice(1))
    expect(html).toContain(`name="return" value="${other.id}"`)
    expect((await samplesNow()).map((s) => s.datasetId)).toEqual([groups[0]!.datasetIds[0]])

    // The retry adds exactly those, and the execution has its three samples again, the edited one with its new tags.
    addsBeforeFailure = Infinity
    added.length = 0
    const form = new URLSearchParams(missing.map((group): [string, string] => ["group", JSON.stringify(group)]))
    form.append("return", other.id)
    const retried = await post(`${UI}/executions/${execution}/restore`, form)
    expect(retried.status).toBe(303)
    expect(retried.headers.get("location")).toBe(`/ui${UI}/datasets/${other.id}?changed=restored`)
    expect(added).toEqual(missing)
    const after = await samplesNow()
    const summary = (samples: ReadonlyArray<ExecutionRecordSample>) =>
      samples.map((s) => `${s.datasetId} ${s.quality} ${s.tags.join(",")}`).sort()
    expect(summary(after)).toEqual(
      summary(before.map((s) => (s.id === edited.id ? { ...s, tags: ["new", "fixed"] } : s)))
    )
    // Re-created: new ids.
    expect(after.some((s) => before.some((b) => b.id === s.id))).toBe(false)

    // A retry form that is not the viewer's is refused and adds nothing.
    added.length = 0
    const forged = await post(`${UI}/executions/${execution}/restore`, new URLSearchParams({ group: '{"datasetIds":["not-a-uuid"],"quality":"GOOD","tags":[]}' }))
    expect(forged.status).toBe(400)
    expect(added).toEqual([])
  }, 60_000)

  it("refuses, before deleting anything, a sample that is no longer there", async () => {
    const { executionRecordId: execution } = await call<{ executionRecordId: string }>("POST", `${API}:execute`, { parameters: { question: "Where is my parcel?" } })
    const golden = (await call<Array<Dataset>>("GET", `${API}/datasets`)).find((d) => d.name === "golden")!
    await call("POST", `${API}/executionRecords/${execution}:addToDatasets`, { datasetIds: [golden.id], quality: "GOOD", tags: ["x"] })
    const res = await post(`${UI}/executions/${execution}/samples/00000000-0000-4000-8000-000000000000/delete`, new URLSearchParams())
    expect(res.status).toBe(409)
    expect(await call<Array<unknown>>("GET", `${API}/executionRecords/${execution}/samples`)).toHaveLength(1)
  }, 30_000)
})
