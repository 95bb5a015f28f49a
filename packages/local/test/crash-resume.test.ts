/**
 * Crash safety with a real child process: start `src/main.ts`, let a run
 * judge a few samples, `kill -9` it, start it again on the same data dir.
 * The run resumes and completes; samples judged before the kill are not
 * run again (their results and the external agent's call log prove it).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { waitFor } from "@fruxkit/testkit"
import * as SqliteDatabase from "../src/store/SqliteDatabase.js"
import * as Store from "../src/store/Store.js"
import { spawnLocal, type LocalProcess } from "./processes.js"
import { AGENT_PATH, sendJson, startServer, tempDir, type LoopbackServer } from "./support.js"

const startBackend = async (dataDir: string): Promise<LocalProcess & { url: string }> => {
  const started = await spawnLocal(
    "src/main.ts",
    ["--port", "0", "--data-dir", dataDir, "--concurrency", "2", "--lease-ms", "800"],
    {},
    /listening on (http:\/\/[^\s]+)/,
    30_000
  )
  return { ...started, url: started.ready[1]! }
}

const judgedSamples = async (dataDir: string): Promise<Map<number, string>> => {
  const store = await Store.open(SqliteDatabase.layer(dataDir))
  try {
    const rows = await store.run(
      Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ sample_index: number; result: string }>`SELECT sample_index, result FROM evaluation_run_samples`)
    )
    return new Map(rows.map((r) => [Number(r.sample_index), JSON.parse(r.result).candidateRevisionResult.sessionId as string]))
  } finally {
    await store.close()
  }
}

describe("crash safety", () => {
  let agent: LoopbackServer
  const callsBySession = new Map<string, number>()

  beforeAll(async () => {
    agent = await startServer(async (request, response) => {
      callsBySession.set(request.body.sessionId, (callsBySession.get(request.body.sessionId) ?? 0) + 1)
      await new Promise((r) => setTimeout(r, 250))
      sendJson(response, 200, { response: `External: ${request.body.parameters.question}` })
    })
  })
  afterAll(() => agent.close())

  it("resumes a run after kill -9 without re-running judged samples", async () => {
    const dataDir = tempDir()
    const first = await startBackend(dataDir)
    const evaluate = await fetch(`${first.url}${AGENT_PATH}:evaluate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ candidateRevision: 2, candidateExternalConfig: { parameters: { endpoint: `${agent.url}/agent`, timeout_seconds: 5 } } })
    })
    const run = (await evaluate.json()) as { id: string; status: string }
    expect(run.status).toBe("PENDING")
    await waitFor(async () => ((await (await fetch(`${first.url}${AGENT_PATH}/evaluationRuns/${run.id}`)).json()) as any).progress.completedSamples >= 3, {
      timeoutMs: 4_000,
      what: "three samples judged before the crash"
    }).catch(() => undefined)
    await first.kill() // kill -9, and wait until it is gone

    const beforeRestart = await judgedSamples(dataDir)
    expect(beforeRestart.size).toBeGreaterThanOrEqual(3)
    expect(beforeRestart.size).toBeLessThan(10)
    const callsAtKill = new Map(callsBySession)

    const second = await startBackend(dataDir)
    try {
      const final: any = await waitFor(
        async () => {
          const now: any = await (await fetch(`${second.url}${AGENT_PATH}/evaluationRuns/${run.id}`)).json()
          return now.status === "COMPLETED" || now.status === "FAILED" ? now : undefined
        },
        { timeoutMs: 30_000, intervalMs: 50, what: "the resumed run to end" }
      )
      expect(final.status).toBe("COMPLETED")
      expect(final.summary.totalSamples).toBe(10)
      expect(final.summary.successfulEvaluations).toBe(10)
      expect(final.progress.completedSamples).toBe(10)

      const after = await judgedSamples(dataDir)
      expect(after.size).toBe(10)
      for (const [index, sessionId] of beforeRestart) {
        // Same stored result, and the agent never heard of that sample again.
        expect(after.get(index)).toBe(sessionId)
        expect(callsBySession.get(sessionId)).toBe(1)
      }
      const newCalls = [...callsBySession.keys()].filter((s) => !callsAtKill.has(s))
      expect(newCalls.length).toBe(10 - beforeRestart.size)
    } finally {
      await second.kill()
    }
  }, 90_000)
})
