/**
 * Two gateways and three `fruxkit-worker`s as real processes on one
 * PostgreSQL (FRUXKIT_DATABASE_URL), the gateways serving the embedded
 * backend on that database with workers of their own too:
 * the same Idempotency-Key sent to both creates one sample and both answer
 * with the first response; a run started on one is followed to its end on
 * the other, every sample judged exactly once, even when a worker is
 * killed with SIGKILL mid-run; and, with no records shared between the
 * gateways, the backend's own Idempotency-Key record still lets concurrent
 * repeats through both create one run.
 */
import { createServer, type Server } from "node:http"
import { startTestPostgres, type TestPostgres } from "@fruxkit/local/testing"
import { spawnProcess, startFakeFruxon, waitFor, type RunningProcess } from "@fruxkit/testkit"
import { randomBytes } from "node:crypto"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startLocalBackend } from "../src/upstream/embedded.js"
import { startGateway as startInProcessGateway, type TestGateway } from "./support/gateway-server.js"

const ROOT = fileURLToPath(new URL("..", import.meta.url))
const T = "/v1/tenants/demo/agents/support_bot"
const PASSWORD = "pg-SECRET-password-4711"

interface GatewayProcess extends RunningProcess {
  readonly url: string
}

const startGateway = async (env: Record<string, string>): Promise<GatewayProcess> => {
  const gateway = await spawnProcess({
    args: ["--conditions=development", "--import", "tsx", "src/main.ts", "--port", "0"],
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", FRUXKIT_RATE_LIMIT: "0", ...env },
    ready: /listening on (http:\/\/\S+)/,
    name: "gateway"
  })
  return { ...gateway, url: gateway.ready![1]! }
}

const LOCAL = fileURLToPath(new URL("../../../packages/local/", import.meta.url))

/** `fruxkit-worker` from @fruxkit/local's sources, ready when it says so. */
const startWorker = (env: Record<string, string>): Promise<RunningProcess> =>
  spawnProcess({
    args: ["--conditions=development", "--import", "tsx", "src/worker-main.ts", "--concurrency", "2", "--lease-ms", "3000"],
    cwd: LOCAL,
    env: { PATH: process.env.PATH ?? "", ...env },
    ready: /fruxkit worker \S+ ready/,
    name: "worker"
  })

/** An external agent on loopback that answers slowly, so a run lasts long enough to kill a worker in it. */
const startSlowAgent = async (delayMs: number) => {
  const calls: Array<string> = []
  const server: Server = createServer((req, res) => {
    let body = ""
    req.on("data", (chunk: Buffer) => (body += chunk.toString()))
    req.on("end", () => {
      calls.push(body)
      setTimeout(() => {
        res.writeHead(200, { "content-type": "application/json" })
        res.end(JSON.stringify({ response: "Thanks for reaching out: your order ships tomorrow." }))
      }, delayMs)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as net.AddressInfo
  return { endpoint: `http://127.0.0.1:${port}/agent`, calls, close: () => new Promise<void>((r) => server.close(() => r())) }
}

let postgres: TestPostgres | undefined
let dataDir: string
let sharedEnv: Record<string, string>
const gateways: Array<GatewayProcess> = []

beforeAll(async () => {
  postgres = await startTestPostgres({ password: PASSWORD, flags: ["-c", "fsync=off"] })
  await postgres.server.createDatabase("fruxkit")
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fruxkit-gw-data-"))
  const env = (sharedEnv = {
    FRUXKIT_DATABASE_URL: postgres.url("fruxkit"),
    FRUXKIT_SECRET_KEY: randomBytes(32).toString("base64"),
    FRUXKIT_DATA_DIR: dataDir
  })
  // Started together: migrations and the demo seed must survive a race.
  gateways.push(...(await Promise.all([startGateway(env), startGateway(env)])))
}, 120_000)

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()))
  await postgres?.stop()
  fs.rmSync(dataDir, { recursive: true, force: true })
}, 60_000)

const getJson = async <A>(url: string): Promise<A> => {
  const response = await fetch(url)
  expect(response.status).toBe(200)
  return (await response.json()) as A
}

describe("two gateways on one PostgreSQL", () => {
  it("create one sample for an Idempotency-Key sent to both, and both replay the first answer", async () => {
    const [a, b] = gateways as [GatewayProcess, GatewayProcess]
    const datasets = await getJson<Array<{ id: string; name: string }>>(`${a.url}${T}/datasets`)
    const golden = datasets.find((d) => d.name === "golden")!
    const records = await getJson<{ items: Array<{ id: string }> }>(`${b.url}${T}/executionRecords?PageSize=1`)
    const record = records.items[0]!.id
    const before = await getJson<Array<unknown>>(`${a.url}${T}/executionRecords/${record}/samples`)

    const send = (gateway: GatewayProcess) =>
      fetch(`${gateway.url}${T}/executionRecords/${record}:addToDatasets`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": "same-key-on-two-gateways" },
        body: JSON.stringify({ datasetIds: [golden.id], quality: "GOOD", tags: ["shared"] })
      })
    const answers = await Promise.all([send(a), send(b), send(a), send(b)])
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200])
    const bodies = await Promise.all(answers.map((r) => r.json() as Promise<Array<{ id: string }>>))
    const ids = new Set(bodies.map((body) => body[0]!.id))
    expect(ids.size).toBe(1)

    const after = await getJson<Array<{ id: string }>>(`${b.url}${T}/executionRecords/${record}/samples`)
    expect(after.length).toBe(before.length + 1)
    expect(after.map((s) => s.id)).toContain([...ids][0])

    const reused = await fetch(`${b.url}${T}/executionRecords/${record}:addToDatasets`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": "same-key-on-two-gateways" },
      body: JSON.stringify({ datasetIds: [golden.id], quality: "BAD" })
    })
    expect(reused.status).toBe(409)
    expect((await getJson<Array<unknown>>(`${a.url}${T}/executionRecords/${record}/samples`)).length).toBe(after.length)
  })

  it("run a started evaluation to the end, followed on the other gateway, each sample judged once", async () => {
    const [a, b] = gateways as [GatewayProcess, GatewayProcess]
    const started = await fetch(`${a.url}${T}:evaluate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ candidateRevision: 2 })
    })
    expect(started.status).toBe(200)
    const run = (await started.json()) as { id: string; status: string }
    const finished = await fetch(`${b.url}${T}/evaluationRuns/${run.id}?wait=60s`)
    let body = (await finished.json()) as { status: string; summary: { totalSamples: number; successfulEvaluations: number; failedEvaluations: number } | null }
    for (let i = 0; i < 10 && body.status !== "COMPLETED"; i++) {
      body = await getJson(`${b.url}${T}/evaluationRuns/${run.id}?wait=30s`)
    }
    expect(body.status).toBe("COMPLETED")
    const results = await getJson<{ items: Array<{ sampleId: string }>; totalCount: number }>(
      `${a.url}${T}/evaluationRuns/${run.id}/samples?PageSize=1000`
    )
    const sampleIds = results.items.map((item) => item.sampleId)
    expect(new Set(sampleIds).size).toBe(sampleIds.length)
    expect(results.totalCount).toBe(body.summary!.totalSamples)
    expect(body.summary!.successfulEvaluations + body.summary!.failedEvaluations).toBe(body.summary!.totalSamples)
  }, 120_000)

  it("with three workers, one killed mid-run, complete a run with every sample judged once", async () => {
    const [a, b] = gateways as [GatewayProcess, GatewayProcess]
    const agent = await startSlowAgent(250)
    const workers = await Promise.all([startWorker(sharedEnv), startWorker(sharedEnv), startWorker(sharedEnv)])
    try {
      const started = await fetch(`${a.url}${T}:evaluate`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ candidateRevision: 2, candidateExternalConfig: { parameters: { endpoint: agent.endpoint, timeout_seconds: 10 } } })
      })
      expect(started.status).toBe(200)
      const run = (await started.json()) as { id: string }
      // Kill a worker once the run is under way (some agent calls made, not all).
      await waitFor(() => agent.calls.length >= 2, { timeoutMs: 30_000, what: "the run to call the agent" })
      await workers[0]!.kill()

      let body = (await getJson(`${b.url}${T}/evaluationRuns/${run.id}?wait=30s`)) as {
        status: string
        summary: { totalSamples: number; successfulEvaluations: number; failedEvaluations: number } | null
      }
      for (let i = 0; i < 10 && body.status !== "COMPLETED"; i++) body = await getJson(`${b.url}${T}/evaluationRuns/${run.id}?wait=30s`)
      expect(body.status).toBe("COMPLETED")
      const results = await getJson<{ items: Array<{ sampleId: string }> }>(`${a.url}${T}/evaluationRuns/${run.id}/samples?PageSize=1000`)
      const ids = results.items.map((item) => item.sampleId)
      expect(new Set(ids).size).toBe(ids.length)
      expect(ids.length).toBe(body.summary!.totalSamples)
      expect(body.summary!.successfulEvaluations).toBe(body.summary!.totalSamples)
      // Every sample's candidate was asked at least once; only a sample the killed worker held may be asked twice.
      expect(agent.calls.length).toBeGreaterThanOrEqual(ids.length)
      expect(agent.calls.length).toBeLessThanOrEqual(ids.length + 4)
    } finally {
      await Promise.all(workers.slice(1).map((worker) => worker.stop()))
      await agent.close()
    }
  }, 120_000)

  it("enforce one rate limit per key between them, not one each", async () => {
    // A second pair with a tight limit: 1 request a second, bursts of 4.
    const limited = await Promise.all([
      startGateway({ ...sharedEnv, FRUXKIT_RATE_LIMIT: "1", FRUXKIT_RATE_BURST: "4" }),
      startGateway({ ...sharedEnv, FRUXKIT_RATE_LIMIT: "1", FRUXKIT_RATE_BURST: "4" })
    ])
    gateways.push(...limited)
    const statuses: Array<number> = []
    const started = Date.now()
    for (let i = 0; i < 10; i++) {
      const response = await fetch(`${limited[i % 2]!.url}${T}/datasets`)
      statuses.push(response.status)
      if (response.status === 429) expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1)
      await response.arrayBuffer()
    }
    const seconds = (Date.now() - started) / 1000
    const allowed = statuses.filter((s) => s === 200).length
    // One shared bucket: the burst plus what refilled meanwhile. Two separate buckets would allow 8.
    expect(allowed).toBeGreaterThanOrEqual(4)
    expect(allowed).toBeLessThanOrEqual(4 + Math.ceil(seconds))
    expect(allowed).toBeLessThan(8)
    expect(statuses.filter((s) => s === 429).length).toBe(10 - allowed)
  }, 90_000)

  it("honour a key without shared gateway records: the backend stores it with the run, so concurrent repeats through two gateways create one run", async () => {
    // In-process gateways, each with its own records in memory: only the backend's key can keep them from creating twice.
    const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), "fruxkit-gw-keyed-")))
    const pair = await Promise.all(dirs.map(async (dir) => startInProcessGateway(await startLocalBackend(dir, postgres!.url("fruxkit")))))
    try {
      const runs = async () => (await getJson<{ items: Array<{ id: string }> }>(`${gateways[0]!.url}${T}/evaluationRuns?PageSize=100`)).items
      const before = await runs()
      const send = (gateway: TestGateway) =>
        fetch(`${gateway.url}${T}:evaluate`, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": "one-run-two-gateways" },
          body: JSON.stringify({ candidateRevision: 2 })
        })
      const answers = await Promise.all([send(pair[0]!), send(pair[1]!), send(pair[0]!), send(pair[1]!)])
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200])
      const ids = new Set(await Promise.all(answers.map(async (r) => ((await r.json()) as { id: string }).id)))
      expect(ids.size).toBe(1)
      expect(answers.filter((r) => r.headers.get("idempotent-replayed") === null)).toHaveLength(1)
      const after = await runs()
      expect(after.length).toBe(before.length + 1)
      expect(after.map((r) => r.id)).toContain([...ids][0])
    } finally {
      await Promise.all(pair.map((gateway) => gateway.close()))
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)

  it("never print the database password", () => {
    for (const gateway of gateways) {
      expect(gateway.output()).toContain("embedded (PostgreSQL)")
      expect(gateway.output()).not.toContain(PASSWORD)
    }
  })
})

describe("two remote gateways on one PostgreSQL, the upstream not honouring keys", () => {
  it("a gateway killed mid-call does not free the key for a second call: a repeat through the other is told the outcome is unknown", async () => {
    await postgres!.server.createDatabase("fruxkit_remote")
    const fake = await startFakeFruxon()
    const env = {
      FRUXON_API_URL: fake.url,
      FRUXON_API_TOKEN: "upstream-token-SECRET-0123456789",
      FRUXKIT_DATABASE_URL: postgres!.url("fruxkit_remote"),
      // A claim outlives any live call after 2 × (deadline + longest wait): 4 s here.
      FRUXKIT_REQUEST_TIMEOUT: "1s",
      FRUXKIT_MAX_WAIT: "1s"
    }
    const [a, b] = await Promise.all([startGateway(env), startGateway(env)])
    try {
      const path = `${T}/executionRecords/rec-abandoned:addToDatasets`
      // The upstream takes the call and never answers: the gateway that sent it is killed meanwhile.
      fake.inject(/rec-abandoned:addToDatasets/, { kind: "stall" })
      const send = (gateway: GatewayProcess) =>
        fetch(gateway.url + path, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": "killed-mid-call" },
          body: JSON.stringify({ datasetIds: ["11111111-1111-4111-8111-111111111111"] })
        })
      const lost = send(a).catch(() => undefined)
      await waitFor(() => fake.count(path, "POST") === 1, { timeoutMs: 30_000 })
      await a.kill()
      await lost

      // Past the time any live call could hold the claim (the fake would answer a second call at once).
      await new Promise((r) => setTimeout(r, 4_500))
      for (let i = 0; i < 2; i++) {
        const repeat = await send(b)
        const problem = (await repeat.json()) as { type: string; check: string; detail: string }
        expect([repeat.status, repeat.headers.get("idempotent-replayed")]).toEqual([409, "true"])
        expect(problem.type).toMatch(/idempotency-outcome-unknown$/)
        expect(problem.check).toBe(`${T}/executionRecords/rec-abandoned/samples`)
        expect(problem.detail).toContain("stopped while its upstream call was in flight")
      }
      expect(fake.count(path, "POST")).toBe(1)
    } finally {
      await Promise.all([a.kill(), b.stop()])
      await fake.close()
    }
  }, 120_000)
})
