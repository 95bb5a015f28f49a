/**
 * Bad input changes nothing, in both modes (issue 21): through the real
 * gateway over loopback, in front of a fake remote Fruxon and in front of the
 * embedded backend. Each bad request is a 400 (or 428 for a missing If-Match)
 * problem+json; remote mode forwards nothing, embedded mode writes nothing;
 * no value sent comes back in an answer or a log line.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startLocalBackend } from "../src/upstream/embedded.js"
import type { FakeFruxon } from "@fruxkit/testkit"
import { startGateway, startGatewayOverFake, type TestGateway } from "./support/gateway-server.js"

const T = "/v1/tenants/demo/agents/support_bot"
const SECRET = "sk-live-S3CRET-strict-77"

let fake: FakeFruxon
let remote: TestGateway
let embedded: TestGateway
let dataDir: string

beforeAll(async () => {
  ({ fake, gw: remote } = await startGatewayOverFake())
  dataDir = mkdtempSync(join(tmpdir(), "fruxkit-strict-"))
  embedded = await startGateway(await startLocalBackend(dataDir))
}, 60_000)
afterAll(async () => {
  await remote?.close()
  await embedded?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

interface BadRequest {
  readonly name: string
  readonly method: string
  readonly path: string
  readonly body?: string
  readonly ifMatch?: string
  readonly status?: number
}

let deep = JSON.stringify(SECRET)
for (let i = 0; i < 5_000; i++) deep = `{"a":${deep}}`

const BAD: ReadonlyArray<BadRequest> = [
  ...["null", "[]", "5", '"x"', "true"].flatMap((body) => [
    { name: `draft:test body ${body}`, method: "POST", path: `${T}/revisions/2/draft:test`, body, ifMatch: '"1"' },
    { name: `:evaluate body ${body}`, method: "POST", path: `${T}:evaluate`, body },
    { name: `:addToDatasets body ${body}`, method: "POST", path: `${T}/executionRecords/r1:addToDatasets`, body }
  ]),
  ...['"1', '1"', "W/1", '"01"', "0x1", '"1", "2"'].map((ifMatch) => ({
    name: `If-Match ${ifMatch}`, method: "POST", path: `${T}/revisions/2/draft:test`, body: "{}", ifMatch
  })),
  ...["0x2", "2e0", "%202", "+2", "02", "-2"].map((revision) => ({
    name: `revision ${revision}`, method: "POST", path: `${T}/revisions/${revision}/draft:test`, body: "{}", ifMatch: '"1"'
  })),
  { name: "wait with CR LF", method: "POST", path: `${T}:evaluate?wait=5s%0d%0a`, body: "{}" },
  { name: "wait with a space", method: "POST", path: `${T}:evaluate?wait=%205s`, body: "{}" },
  { name: "evaluate body in an array", method: "POST", path: `${T}:evaluate`, body: JSON.stringify([{ candidateExternalConfig: { parameters: { endpoint: "http://127.0.0.1:9/", api_key: SECRET } } }]) },
  { name: "secret in a wrongly typed field", method: "POST", path: `${T}:evaluate`, body: JSON.stringify({ datasetId: SECRET, candidateRevision: SECRET, agent: SECRET }) },
  { name: "deep JSON", method: "POST", path: `${T}:evaluate`, body: `{"agent":${deep}}` },
  { name: "missing If-Match", method: "POST", path: `${T}/revisions/2/draft:test`, body: "{}", status: 428 }
]

const send = (gw: TestGateway, bad: BadRequest) =>
  fetch(`${gw.url}${bad.path}`, {
    method: bad.method,
    headers: { "content-type": "application/json", ...(bad.ifMatch !== undefined ? { "if-match": bad.ifMatch } : {}) },
    ...(bad.body !== undefined ? { body: bad.body } : {})
  })

const expectRefused = async (gw: TestGateway, bad: BadRequest) => {
  const res = await send(gw, bad)
  const text = await res.text()
  expect([bad.name, res.status, res.headers.get("content-type")]).toEqual([bad.name, bad.status ?? 400, "application/problem+json"])
  expect(text).not.toContain("S3CRET")
  return text
}

describe("bad input changes nothing", () => {
  it("remote mode: every bad request is refused and none is forwarded", async () => {
    const before = fake.requests.length
    for (const bad of BAD) await expectRefused(remote, bad)
    expect(fake.requests.length).toBe(before)
    expect(remote.logs()).not.toContain("S3CRET")
  })

  it("embedded mode: every bad request is refused and nothing is written", async () => {
    const state = async () => {
      const records = (await (await fetch(`${embedded.url}${T}/executionRecords?PageSize=100`)).json()) as { totalCount: number }
      const runs = (await (await fetch(`${embedded.url}${T}/evaluationRuns?PageSize=100`)).json()) as { totalCount: number }
      return { records: records.totalCount, runs: runs.totalCount }
    }
    const before = await state()
    for (const bad of BAD) await expectRefused(embedded, bad)
    expect(await state()).toEqual(before)
    expect(embedded.logs()).not.toContain("S3CRET")
  })

  it("a refused If-Match names its field and the forms it takes; a missing one is 428 in both modes", async () => {
    for (const gw of [remote, embedded]) {
      const problem = JSON.parse(await expectRefused(gw, BAD.find((b) => b.name === 'If-Match "1')!)) as { errors: Array<{ path: string }> }
      expect(problem.errors.map((e) => e.path)).toEqual(["header.If-Match"])
      const missing = JSON.parse(await expectRefused(gw, BAD.find((b) => b.name === "missing If-Match")!)) as { type: string }
      expect(missing.type).toMatch(/\/if-match-required$/)
    }
  })

  it("remote mode is not stricter than the contract: the embedded backend's extra rules are the embedded backend's only", async () => {
    const extra = [
      { method: "POST", path: `${T}/revisions/2/draft:test`, ifMatch: '"1"', body: { environmentSlug: "staging env!", sessionId: "s".repeat(300) } },
      { method: "POST", path: `${T}/executionRecords/r1:addToDatasets`, body: { datasetIds: ["00000000-0000-4000-8000-000000000001"], tags: Array.from({ length: 40 }, (_, i) => `t${i}`.padEnd(80, "x")) } },
      { method: "GET", path: `${T}/executionRecords?PageToken.Cursor=${"c".repeat(600)}` }
    ]
    const forwarded = fake.requests.length
    for (const request of extra) {
      const init = {
        method: request.method,
        headers: { "content-type": "application/json", ...(request.ifMatch ? { "if-match": request.ifMatch } : {}) },
        ...(request.body ? { body: JSON.stringify(request.body) } : {})
      }
      const remoteAnswer = await fetch(`${remote.url}${request.path}`, init)
      await remoteAnswer.body?.cancel()
      // Forwarded: whatever the fake upstream says, the gateway did not refuse it as invalid.
      expect([request.path, remoteAnswer.status === 400]).toEqual([request.path, false])
      const embeddedAnswer = await fetch(`${embedded.url}${request.path}`, init)
      const problem = (await embeddedAnswer.json()) as { errors?: Array<{ path: string }> }
      expect([request.path, embeddedAnswer.status]).toEqual([request.path, 400])
      expect(problem.errors?.length).toBeGreaterThan(0)
    }
    expect(fake.requests.length).toBe(forwarded + extra.length)
  })
})
