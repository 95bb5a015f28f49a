/**
 * Several fruxkit processes on one SQLite data dir, as the README promises
 * (the gateway, the TUI and CLI commands share `./.fruxkit`). Four real
 * `main.ts` processes, each with its own workers, take evaluations and
 * draft tests at the same time; every process claims samples of every run
 * from the one file. A loopback external agent counts its calls per run and
 * question: each sample must be evaluated exactly once, and every run must
 * end COMPLETED — a busy database is the processes' problem, never a verdict.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as SqliteDatabase from "../src/store/SqliteDatabase.js"
import * as Store from "../src/store/Store.js"
import { waitFor } from "@fruxkit/testkit"
import { killHard, spawnLocal, type LocalProcess } from "./processes.js"
import { AGENT_PATH, awaitRun, call, sendJson, startServer, tempDir, withBackend, type LoopbackServer } from "./support.js"

const PROCESSES = 4
const RUNS_PER_PROCESS = 3
const DRAFT_TESTS_PER_PROCESS = 6

const http = async (base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const text = await response.text()
  return { status: response.status, json: text === "" ? undefined : JSON.parse(text) }
}

describe("four processes writing one SQLite data dir at once", () => {
  const dataDir = tempDir()
  let processes: Array<LocalProcess> = []
  let agent: LoopbackServer
  /** Agent calls per `<run tag>|<question>`: the candidate is called once per evaluated sample. */
  const calls = new Map<string, number>()

  beforeAll(async () => {
    agent = await startServer(async (request, response) => {
      const key = `${request.url}|${request.body.parameters.question}`
      calls.set(key, (calls.get(key) ?? 0) + 1)
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 15))
      sendJson(response, 200, { response: `External: ${request.body.parameters.question}` })
    })
    const start = (seed: "demo" | "none") =>
      spawnLocal(
        "src/main.ts",
        ["--port", "0", "--data-dir", dataDir, "--seed", seed, "--concurrency", "4"],
        {},
        /listening on (http:\/\/[^\s]+)/
      )
    // The first start creates and seeds the file; the others open it, all at once.
    processes.push(await start("demo"))
    processes.push(...(await Promise.all(Array.from({ length: PROCESSES - 1 }, () => start("none")))))
  }, 120_000)

  afterAll(async () => {
    await Promise.all(processes.map(killHard))
    await agent?.close()
  })

  it("completes every run, evaluating each sample exactly once, while draft tests write beside them", async () => {
    const bases = processes.map((p) => p.ready[1]!)
    const datasets = await http(bases[0]!, "GET", `${AGENT_PATH}/datasets`)
    const golden = (datasets.json as Array<{ id: string; name: string }>).find((d) => d.name === "golden")!
    const draft = (await http(bases[0]!, "GET", `${AGENT_PATH}/revisions/2/draft`)).json

    const runs: Array<{ id: string; tag: string; base: string }> = []
    const draftTests: Array<number> = []
    await Promise.all(
      bases.flatMap((base, p) => [
        ...Array.from({ length: RUNS_PER_PROCESS }, async (_, r) => {
          const tag = `/agent/p${p}r${r}`
          const started = await http(base, "POST", `${AGENT_PATH}:evaluate`, {
            candidateRevision: 2,
            datasetId: golden.id,
            candidateExternalConfig: { parameters: { endpoint: `${agent.url}${tag}` } }
          })
          expect(started.status).toBe(200)
          runs.push({ id: started.json.id, tag, base })
        }),
        ...Array.from({ length: DRAFT_TESTS_PER_PROCESS }, async (_, i) => {
          const tested = await http(
            base,
            "POST",
            `${AGENT_PATH}/revisions/2/draft:test`,
            { parameters: { question: `process ${p}, test ${i}: how do refunds work?` } },
            { "if-match": `"${draft.version}"` }
          )
          draftTests.push(tested.status)
        })
      ])
    )
    expect(draftTests).toEqual(Array(PROCESSES * DRAFT_TESTS_PER_PROCESS).fill(200))
    expect(runs).toHaveLength(PROCESSES * RUNS_PER_PROCESS)

    // Each run is read back from another process than the one that took it.
    const ended = await Promise.all(
      runs.map(async (run, i) => {
        const reader = bases[(i + 1) % bases.length]!
        let status: unknown
        return waitFor(
          async () => {
            const answer = await http(reader, "GET", `${AGENT_PATH}/evaluationRuns/${run.id}`)
            status = answer.json.status
            return ["COMPLETED", "FAILED", "CANCELLED"].includes(answer.json.status) ? { ...run, json: answer.json } : undefined
          },
          { timeoutMs: 90_000, intervalMs: 100, what: `run ${run.id} to end`, describe: () => `it is ${String(status)}` }
        )
      })
    )
    const samples: number = ended[0]!.json.progress.totalSamples
    expect(samples).toBe(10)
    for (const run of ended) {
      expect({ run: run.id, status: run.json.status, error: run.json.errorMessage }).toEqual({ run: run.id, status: "COMPLETED", error: null })
      expect(run.json.summary.successfulEvaluations).toBe(samples)
      expect(run.json.summary.failedEvaluations).toBe(0)
      const perSample = [...calls].filter(([key]) => key.startsWith(`${run.tag}|`)).map(([, n]) => n)
      // Every sample evaluated, none twice.
      expect(perSample).toEqual(Array(samples).fill(1))
    }
    // Nothing was retried past its bound, nor failed quietly.
    const output = processes.map((p) => p.output()).join("\n")
    expect(output).not.toMatch(/Failed to execute statement|database is locked/)
    // The processes really shared the work: samples were evaluated by more than one of them.
    const store = await Store.open(SqliteDatabase.layer(dataDir))
    try {
      const [owners] = await store.run(
        Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ n: number }>`SELECT COUNT(DISTINCT lease_owner) AS n FROM evaluation_sample_leases`)
      )
      expect(Number(owners!.n)).toBeGreaterThan(1)
    } finally {
      await store.close()
    }
  }, 150_000)
})

describe("a writer holding SQLite's lock far longer than its busy timeout", () => {
  it("delays requests and a run's writes instead of failing them: the run completes, each sample once", async () => {
    const calls = new Map<string, number>()
    const agent = await startServer(async (request, response) => {
      const question: string = request.body.parameters.question
      calls.set(question, (calls.get(question) ?? 0) + 1)
      await new Promise((r) => setTimeout(r, 100))
      sendJson(response, 200, { response: `External: ${question}` })
    })
    const { backend, dataDir } = await withBackend({ evaluation: { concurrency: 2 } })
    // Another connection, as another process would, takes the write lock and keeps it 1.5 s.
    const other = await Store.open(SqliteDatabase.layer(dataDir))
    const holdLock = async () => {
      let taken!: () => void
      const isTaken = new Promise<void>((resolve) => (taken = resolve))
      const released = other.transaction(
        Effect.flatMap(SqlClient.SqlClient, (sql) =>
          Effect.gen(function* () {
            yield* sql`UPDATE tenants SET created_at = created_at`
            taken()
            yield* Effect.sleep("1500 millis")
          })
        )
      )
      await isTaken
      return { released }
    }
    try {
      const firstHold = await holdLock()
      const asked = Date.now()
      const started = await call(backend, "POST", `${AGENT_PATH}:evaluate`, {
        body: { candidateRevision: 2, candidateExternalConfig: { parameters: { endpoint: `${agent.url}/agent` } } }
      })
      expect(started.status).toBe(200)
      // It waited for the lock (SQLite alone gives up after 100 ms).
      expect(Date.now() - asked).toBeGreaterThan(1_000)
      await firstHold.released
      await waitFor(async () => (await call(backend, "GET", `${AGENT_PATH}/evaluationRuns/${started.json.id}`)).json.progress.completedSamples >= 2, {
        timeoutMs: 15_000,
        what: "two samples judged"
      }).catch(() => undefined)
      // Mid-run: claims, result commits and progress updates all wait on this one.
      await (await holdLock()).released
      const run = await awaitRun(backend, started.json.id, 45_000)
      expect(run.status).toBe("COMPLETED")
      expect(run.summary.successfulEvaluations).toBe(10)
      expect([...calls.values()]).toEqual(Array(10).fill(1))
    } finally {
      await other.close()
      await backend.close()
      await agent.close()
    }
  }, 60_000)
})
