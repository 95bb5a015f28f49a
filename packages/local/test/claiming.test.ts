/**
 * Claiming with real worker processes, on both engines: a process holds no
 * more samples than it can run (so the work splits evenly over workers),
 * never has more than its concurrency of agent calls in flight, and shares
 * its slots round robin over runs (a small run is not stuck behind a big
 * one). SQLite: `main.ts` processes on one data dir; PostgreSQL:
 * `fruxkit-worker` processes on one database. The front (taking requests)
 * runs in the test process with workers off.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import { randomBytes } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { waitFor } from "@fruxkit/testkit"
import type { LocalBackend } from "../src/index.js"
import * as PgDatabase from "../src/store/PgDatabase.js"
import * as SqliteDatabase from "../src/store/SqliteDatabase.js"
import * as Store from "../src/store/Store.js"
import { createDatabase } from "./postgres.js"
import { killHard, spawnLocal, type LocalProcess } from "./processes.js"
import { AGENT_PATH, awaitRun, call, createDatasetOfDistinctSamples, sendJson, startServer, tempDir, withBackend, type LoopbackServer } from "./support.js"

const SAMPLES = 36
const CONCURRENCY = 2
const AGENT_MS = 120
/**
 * The even-split run's agent is slower: an idle worker finds new work on its
 * next poll (up to 1 s with these leases on PostgreSQL), so a run of ~1.5 s
 * let one late poll decide the split (18/16/2 seen); at ~5 s a poll's
 * lateness is a small share of anyone's work.
 */
const SPLIT_AGENT_MS = 900

interface Engine {
  readonly name: string
  readonly setup: () => Promise<{ readonly dataDir: string; readonly databaseUrl: string | undefined }>
  readonly spawnWorker: (dataDir: string, databaseUrl: string | undefined, secretKey: string) => Promise<LocalProcess>
}

const ENGINES: ReadonlyArray<Engine> = [
  {
    name: "SQLite",
    setup: async () => ({ dataDir: tempDir(), databaseUrl: undefined }),
    spawnWorker: (dataDir, _url, secretKey) =>
      spawnLocal(
        "src/main.ts",
        ["--port", "0", "--data-dir", dataDir, "--seed", "none", "--concurrency", `${CONCURRENCY}`, "--lease-ms", "10000"],
        { FRUXKIT_SECRET_KEY: secretKey },
        /listening on (http:\/\/[^\s]+)/
      )
  },
  {
    name: "PostgreSQL",
    setup: async () => ({ dataDir: tempDir(), databaseUrl: await createDatabase() }),
    spawnWorker: (_dir, databaseUrl, secretKey) =>
      spawnLocal(
        "src/worker-main.ts",
        ["--data-dir", tempDir(), "--concurrency", `${CONCURRENCY}`, "--lease-ms", "10000"],
        { FRUXKIT_DATABASE_URL: databaseUrl!, FRUXKIT_SECRET_KEY: secretKey },
        /fruxkit worker (worker-[0-9a-f-]+) ready/
      )
  }
]

describe.each(ENGINES)("claiming with worker processes ($name)", (engine) => {
  const secretKey = randomBytes(32).toString("base64")
  let front: LocalBackend
  let agent: LoopbackServer
  let dataDir: string
  let databaseUrl: string | undefined
  let datasetId: string
  let workers: Array<LocalProcess> = []
  let inFlight = 0
  let maxInFlight = 0
  const calls = new Map<string, number>()

  beforeAll(async () => {
    ;({ dataDir, databaseUrl } = await engine.setup())
    agent = await startServer(async (request, response) => {
      const key = `${request.url}|${request.body.parameters.question}`
      calls.set(key, (calls.get(key) ?? 0) + 1)
      maxInFlight = Math.max(maxInFlight, ++inFlight)
      await new Promise((r) => setTimeout(r, request.url === "/three" ? SPLIT_AGENT_MS : AGENT_MS))
      inFlight--
      sendJson(response, 200, { response: `External: ${request.body.parameters.question}` })
    })
    ;({ backend: front } = await withBackend({ dataDir, databaseUrl, secretKey, workers: false }))
    datasetId = await createDatasetOfDistinctSamples(front, SAMPLES)
  }, 60_000)

  afterAll(async () => {
    await Promise.all(workers.map(killHard))
    await front?.close()
    await agent?.close()
  })

  const startWorkers = async (count: number) => {
    await Promise.all(workers.map(killHard))
    workers = await Promise.all(Array.from({ length: count }, () => engine.spawnWorker(dataDir, databaseUrl, secretKey)))
  }

  const evaluate = async (tag: string, dataset = datasetId): Promise<string> => {
    const started = await call(front, "POST", `${AGENT_PATH}:evaluate`, {
      body: { candidateRevision: 2, datasetId: dataset, candidateExternalConfig: { parameters: { endpoint: `${agent.url}/${tag}` } } }
    })
    expect(started.status).toBe(200)
    return started.json.id
  }

  /** Samples of the run per final lease owner: who evaluated them. */
  const samplesPerOwner = async (runId: string): Promise<Array<number>> => {
    const store = await Store.open(databaseUrl === undefined ? SqliteDatabase.layer(dataDir) : PgDatabase.layer(databaseUrl, { maxConnections: 1 }))
    try {
      const rows = await store.run(
        Effect.flatMap(
          SqlClient.SqlClient,
          (sql) => sql<{ n: number }>`SELECT COUNT(*) AS n FROM evaluation_sample_leases WHERE run_id = ${runId} GROUP BY lease_owner`
        )
      )
      return rows.map((row) => Number(row.n))
    } finally {
      await store.close()
    }
  }

  it("one worker: never more agent calls in flight than its concurrency, and all of it used", async () => {
    await startWorkers(1)
    maxInFlight = 0
    const runId = await evaluate("single")
    const run = await awaitRun(front, runId, 60_000)
    expect(run.status).toBe("COMPLETED")
    expect(maxInFlight).toBe(CONCURRENCY)
    expect([...calls].filter(([key]) => key.startsWith("/single|")).map(([, n]) => n)).toEqual(Array(SAMPLES).fill(1))
  }, 90_000)

  it("three workers split one run evenly (busiest ≤ 1.5 × least busy), each sample once, ≤ 3 × concurrency in flight", async () => {
    await startWorkers(3)
    maxInFlight = 0
    const runId = await evaluate("three")
    const run = await awaitRun(front, runId, 60_000)
    expect(run.status).toBe("COMPLETED")
    expect([...calls].filter(([key]) => key.startsWith("/three|")).map(([, n]) => n)).toEqual(Array(SAMPLES).fill(1))
    expect(maxInFlight).toBeLessThanOrEqual(3 * CONCURRENCY)
    const split = await samplesPerOwner(runId)
    expect(split).toHaveLength(3)
    expect(split.reduce((a, b) => a + b, 0)).toBe(SAMPLES)
    expect(Math.max(...split)).toBeLessThanOrEqual(1.5 * Math.min(...split))
  }, 90_000)

  it("a small run started behind a big one completes while the big one is still running (round robin over runs)", async () => {
    await startWorkers(1)
    const small = (await call(front, "POST", `${AGENT_PATH}/datasets`, { body: { name: `small-${Date.now()}` } })).json.id
    const records = (await call(front, "GET", `${AGENT_PATH}/executionRecords?PageSize=3`)).json.items as Array<{ id: string }>
    for (const record of records) {
      await call(front, "POST", `${AGENT_PATH}/executionRecords/${record.id}:addToDatasets`, { body: { datasetIds: [small] } })
    }
    const bigId = await evaluate("big")
    // The big run is under way in the worker before the small one arrives.
    await waitFor(async () => (await call(front, "GET", `${AGENT_PATH}/evaluationRuns/${bigId}`)).json.progress.completedSamples > 0, {
      timeoutMs: 10_000,
      what: "the big run under way"
    }).catch(() => undefined)
    const smallId = await evaluate("small", small)
    const smallRun = await awaitRun(front, smallId, 60_000)
    const big = (await call(front, "GET", `${AGENT_PATH}/evaluationRuns/${bigId}`)).json
    expect(smallRun.status).toBe("COMPLETED")
    expect(smallRun.progress.completedSamples).toBe(3)
    expect(big.status).toBe("IN_PROGRESS")
    expect(big.progress.completedSamples).toBeLessThan(SAMPLES - 3)
    expect((await awaitRun(front, bigId, 60_000)).status).toBe("COMPLETED")
  }, 90_000)
})

describe("the per-tenant cap (evaluation.tenantConcurrency)", () => {
  it("holds one tenant's samples in flight to the cap, below the process's concurrency", async () => {
    let inFlight = 0
    let maxInFlight = 0
    const agent = await startServer(async (request, response) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight)
      await new Promise((r) => setTimeout(r, 40))
      inFlight--
      sendJson(response, 200, { response: `External: ${request.body.parameters.question}` })
    })
    const { backend } = await withBackend({ evaluation: { concurrency: 6, tenantConcurrency: 2 } })
    try {
      // Two runs of the same tenant at once: together they still get 2 slots.
      const ids = await Promise.all(
        [0, 1].map(async () => {
          const started = await call(backend, "POST", `${AGENT_PATH}:evaluate`, {
            body: { candidateRevision: 2, candidateExternalConfig: { parameters: { endpoint: `${agent.url}/agent` } } }
          })
          return started.json.id as string
        })
      )
      for (const id of ids) expect((await awaitRun(backend, id, 30_000)).status).toBe("COMPLETED")
      expect(maxInFlight).toBe(2)
    } finally {
      await backend.close()
      await agent.close()
    }
  })
})
