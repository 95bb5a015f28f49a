/**
 * `onRunChange`: told after each commit that changes what a GET of the run
 * shows. A listener that reads the run on each notice sees it start, move
 * and end — the last notice's read is the finished run, so a waiter woken
 * by notices never misses completion. Both engines; a cancel too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { waitFor } from "@fruxkit/testkit"
import type { LocalBackend, RunChange } from "../src/index.js"
import { AGENT_PATH, DATABASES, awaitRun, call, withBackend } from "./support.js"

/** Reads the run after every notice (in order, one at a time), as the gateway's pollers do. */
const readOnEveryNotice = (backend: LocalBackend) => {
  const notices: Array<RunChange> = []
  const reads: Array<{ readonly id: string; readonly state: string }> = []
  let chain = Promise.resolve()
  const stop = backend.onRunChange((change) => {
    notices.push(change)
    chain = chain.then(async () => {
      const run = (await call(backend, "GET", `${AGENT_PATH}/evaluationRuns/${change.evaluationRun}`)).json
      reads.push({ id: run.id, state: `${run.status}:${run.progress.completedSamples}` })
    })
  })
  return {
    notices,
    /** The states read after the run's notices, in order. */
    readsOf: (id: string) => reads.filter((r) => r.id === id).map((r) => r.state),
    drained: async () => {
      stop()
      await chain
    }
  }
}

describe.each(DATABASES)("run changes ($name)", (database) => {
  let backend: LocalBackend
  beforeAll(async () => {
    ;({ backend } = await withBackend({ ...(await database.options()), evaluation: { concurrency: 2 } }))
  })
  afterAll(() => backend.close())

  it("tells each start, progress step and the end of a run, after it committed", async () => {
    const listener = readOnEveryNotice(backend)
    const started = await call(backend, "POST", `${AGENT_PATH}:evaluate`, { body: { candidateRevision: 2 } })
    const run = await awaitRun(backend, started.json.id)
    expect(run.status).toBe("COMPLETED")
    await listener.drained()
    const ours = listener.notices.filter((n) => n.evaluationRun === started.json.id)
    // The insert, the claim (PENDING → IN_PROGRESS), at least one progress commit, the end.
    expect(ours.length).toBeGreaterThanOrEqual(3)
    expect(listener.notices.every((n) => n.evaluationRun !== undefined)).toBe(true)
    const reads = listener.readsOf(started.json.id)
    expect(reads.at(-1)).toBe("COMPLETED:10")
    expect(reads.some((r) => r.startsWith("IN_PROGRESS:"))).toBe(true)
    // Reads in notice order never go back a step.
    const counts = reads.map((r) => Number(r.split(":")[1]))
    expect(counts).toEqual([...counts].sort((a, b) => a - b))
  })

  it("tells a cancel, and stops telling a listener that stopped listening", async () => {
    const listener = readOnEveryNotice(backend)
    const started = await call(backend, "POST", `${AGENT_PATH}:evaluate`, { body: { candidateRevision: 2 } })
    expect((await call(backend, "POST", `${AGENT_PATH}/evaluationRuns/${started.json.id}:cancel`)).status).toBe(200)
    await listener.drained()
    expect(listener.readsOf(started.json.id).at(-1)).toMatch(/^CANCELLED:/)
    const told = listener.notices.length
    await call(backend, "POST", `${AGENT_PATH}:evaluate`, { body: { candidateRevision: 2 } })
    expect(listener.notices.length).toBe(told)
  })
})

describe.each(DATABASES)("run changes committed by another process's workers ($name)", (database) => {
  it("reach a listener in a process without workers: PostgreSQL by NOTIFY with the run's id, SQLite as 'some run changed'", async () => {
    const options = await database.options()
    const { backend: workers, dataDir } = await withBackend({ ...options, evaluation: { concurrency: 2 } })
    // The gateway's side: same database, no workers of its own, so every step after the insert is another backend's commit.
    const { backend: follower } = await withBackend({ ...options, dataDir, workers: false })
    try {
      let runId: string | undefined
      const notices: Array<RunChange> = []
      const reads: Array<string> = []
      let chain = Promise.resolve()
      const stop = follower.onRunChange((change) => {
        notices.push(change)
        chain = chain.then(async () => {
          if (runId === undefined || (change.evaluationRun !== undefined && change.evaluationRun !== runId)) return
          const run = (await call(follower, "GET", `${AGENT_PATH}/evaluationRuns/${runId}`)).json
          reads.push(`${run.status}:${run.progress.completedSamples}`)
        })
      })
      const started = await call(follower, "POST", `${AGENT_PATH}:evaluate`, { body: { candidateRevision: 2 } })
      runId = started.json.id
      expect((await awaitRun(follower, started.json.id)).status).toBe("COMPLETED")
      // Reads happen only on notices: a read that saw COMPLETED means a notice came after the completion commit.
      await waitFor(() => reads.at(-1) === "COMPLETED:10", { timeoutMs: 15_000, intervalMs: 50, what: "a read after the completion's notice" }).catch(() => undefined)
      stop()
      await chain
      expect(reads.at(-1)).toBe("COMPLETED:10")
      const fromOthers = notices.slice(1)
      expect(fromOthers.length).toBeGreaterThanOrEqual(1)
      if (database.name === "PostgreSQL") expect(fromOthers.every((n) => n.evaluationRun === runId)).toBe(true)
      else expect(fromOthers.some((n) => n.evaluationRun === undefined)).toBe(true)
    } finally {
      await follower.close()
      await workers.close()
    }
  })
})
