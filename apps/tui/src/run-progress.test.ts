import { describe, expect, it } from "vitest"
import type { EvaluationRun } from "@fruxkit/core"
import { progressCell, progressLine, runProgress } from "./run-progress.js"

const run = (patch: Partial<EvaluationRun>): EvaluationRun =>
  ({
    id: "r",
    status: "IN_PROGRESS",
    createdAt: 1_000,
    startedAt: 2_000,
    completedAt: 0,
    summary: null,
    progress: { totalSamples: 10, completedSamples: 4, failedSamples: 1 },
    ...patch
  }) as EvaluationRun

describe("runProgress", () => {
  it("counts failed samples inside completed ones and projects the rest at the rate so far", () => {
    const p = runProgress(run({}), 10_000)
    expect(p).toMatchObject({ done: 4, total: 10, failed: 1, elapsedMs: 8_000, ratePerSecond: 0.5, finished: false })
    expect(p.etaMs).toBe(12_000)
    expect(progressLine(p, 10)).toBe("[████░░░░░░] 4/10  elapsed 8.0s  0.5/s  eta 12s  1 failed")
    expect(progressCell(p)).toBe("40% 0.5/s eta 12s")
    expect(progressCell(runProgress(run({ progress: { totalSamples: 400, completedSamples: 300, failedSamples: 0 } }), 12_000))).toBe("75% 30/s eta 3.3s")
  })

  it("has no ETA before the first sample, nor after the end", () => {
    const fresh = runProgress(run({ progress: { totalSamples: 10, completedSamples: 0, failedSamples: 0 } }), 5_000)
    expect(fresh.etaMs).toBeUndefined()
    expect(fresh.ratePerSecond).toBeUndefined()
    expect(progressCell(fresh)).toBe("0%")
    const done = runProgress(run({ status: "COMPLETED", completedAt: 7_000, progress: { totalSamples: 10, completedSamples: 10, failedSamples: 0 } }), 60_000)
    expect(done).toMatchObject({ done: 10, elapsedMs: 5_000, ratePerSecond: 2, etaMs: undefined, finished: true })
    expect(progressCell(done)).toBeUndefined()
  })

  it("waits for samples when the total is not known yet", () => {
    expect(progressLine(runProgress(run({ status: "PENDING", progress: null }), 3_000), 4)).toBe("[░░░░] waiting for samples  elapsed 1.0s")
  })
})
