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

describe("RunWatchers with pushed run changes", () => {
  const key = { tenant: "t", agent: "a", evaluationRun: "r1" }
  const runAt = (status: string, completedSamples: number, modifiedAt: number) =>
    decodeRun({ id: "r1", status, modifiedAt, progress: { totalSamples: 4, completedSamples, failedSamples: 0 } })

  it("reads a run when told it changed, ignores an older scheduled answer, and stops at its end", async () => {
    let current = runAt("IN_PROGRESS", 1, 10)
    let reads = 0
    let scheduled: ((run: ReturnType<typeof runAt>) => void) | undefined
    const watchers = new RunWatchers({
      // A schedule that never polls by itself here: only the test's `scheduled` call answers for it.
      awaitRun: (_key, { onProgress, signal }) =>
        new Promise((_, reject) => {
          scheduled = onProgress
          signal.addEventListener("abort", () => reject(signal.reason))
        }),
      readRun: async () => (reads++, current),
      finishedTtlMs: 60_000
    })
    const seen: Array<string> = []
    const finished = new Promise<void>((resolve, reject) => {
      watchers.subscribe(key, {
        onSnapshot: (snapshot) => {
          seen.push(snapshot.version)
          if (snapshot.terminal) resolve()
        },
        onError: reject
      })
    })
    scheduled!(current)
    await new Promise((resolve) => setTimeout(resolve, 10))
    current = runAt("IN_PROGRESS", 3, 20)
    watchers.changed("other-run")
    expect(reads).toBe(0)
    watchers.changed("r1")
    await new Promise((resolve) => setTimeout(resolve, 10))
    // The schedule's answer from before the push: older, so listeners do not go back a step.
    scheduled!(runAt("IN_PROGRESS", 1, 10))
    current = runAt("COMPLETED", 4, 30)
    watchers.changed(undefined)
    await finished
    expect(reads).toBe(2)
    expect(seen.map((v) => v.split(".").slice(0, 2).join(":"))).toEqual(["IN_PROGRESS:1", "IN_PROGRESS:3", "COMPLETED:4"])
    // Ended: the poller is gone, and the finished run is answered from memory.
    expect(watchers.activePollers).toBe(0)
    watchers.changed("r1")
    expect(reads).toBe(2)
    expect(watchers.latest(key)?.terminal).toBe(true)
    watchers.close()
  })
})
