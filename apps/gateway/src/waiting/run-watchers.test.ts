import * as Schema from "effect/Schema"
import { EvaluationRun } from "@fruxkit/core"
import { describe, expect, it } from "vitest"
import { RunWatchers, type RunSnapshot } from "./run-watchers.js"

const decodeRun = Schema.decodeUnknownSync(EvaluationRun)
const finishedRun = (id: string, errorMessage: string) => decodeRun({ id, status: "COMPLETED", errorMessage })

/** Subscribe to a run whose poller answers at once with it finished; resolves with the snapshot. */
const watchOnce = (watchers: RunWatchers, id: string) =>
  new Promise<RunSnapshot>((resolve, reject) => {
    const stop = watchers.subscribe({ tenant: "t", agent: "a", evaluationRun: id }, {
      onSnapshot: (snapshot) => {
        if (!snapshot.terminal) return
        stop()
        resolve(snapshot)
      },
      onError: reject
    })
  })

describe("RunWatchers' finished-run cache", () => {
  it("holds at most maxFinished runs and maxFinishedBytes of their JSON, dropping the oldest", async () => {
    const sizes: Record<string, number> = { r1: 10, r2: 10, r3: 10, r4: 50_000, r5: 10 }
    const watchers = new RunWatchers({
      awaitRun: async (key) => finishedRun(key.evaluationRun, "x".repeat(sizes[key.evaluationRun]!)),
      finishedTtlMs: 60_000,
      maxFinished: 3,
      maxFinishedBytes: 40_000
    })
    for (const id of ["r1", "r2", "r3"]) await watchOnce(watchers, id)
    expect(watchers.cachedFinishedRuns.count).toBe(3)
    // A fourth: the oldest goes (count bound).
    await watchOnce(watchers, "r5")
    expect(watchers.cachedFinishedRuns.count).toBe(3)
    expect(watchers.latest({ tenant: "t", agent: "a", evaluationRun: "r1" })).toBeUndefined()
    // One larger than the byte bound: everything older goes, and so does it.
    await watchOnce(watchers, "r4")
    expect(watchers.cachedFinishedRuns.bytes).toBeLessThanOrEqual(40_000)
    watchers.close()
  })
})
