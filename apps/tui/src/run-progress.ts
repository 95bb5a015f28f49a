/**
 * How far an evaluation run has got, from the fruxkit `progress` field that
 * core's polling reports: samples done of total, time elapsed, and an ETA from
 * the rate so far. Shared by the progress bar and the CLI's stderr line.
 */
import { isTerminalRunStatus, type EvaluationRun } from "@fruxkit/core"
import { bar, formatDuration } from "./format-units.js"

export interface RunProgress {
  readonly done: number
  readonly total: number
  readonly failed: number
  readonly elapsedMs: number
  /** `undefined` until at least one sample is done (no rate yet) or once finished. */
  readonly etaMs: number | undefined
  readonly finished: boolean
}

/** When the run started, on the caller's clock: the server's `startedAt`, else when the caller first saw it. */
export const runStart = (run: EvaluationRun, firstSeenAt: number): number =>
  run.startedAt > 0 ? run.startedAt : run.createdAt > 0 ? run.createdAt : firstSeenAt

export const runProgress = (run: EvaluationRun, now: number, firstSeenAt: number = now): RunProgress => {
  const total = run.progress?.totalSamples || run.summary?.totalSamples || 0
  // `completedSamples` counts every sample that has a result, failed ones included
  // (`failedSamples` is a part of it, as the embedded backend counts them).
  const completed = run.progress
    ? run.progress.completedSamples
    : (run.summary?.successfulEvaluations ?? 0) + (run.summary?.failedEvaluations ?? 0)
  const failed = run.progress?.failedSamples ?? run.summary?.failedEvaluations ?? 0
  const finished = isTerminalRunStatus(run.status)
  const done = Math.min(total, completed)
  const end = finished && run.completedAt > 0 ? run.completedAt : now
  const elapsedMs = Math.max(0, end - runStart(run, firstSeenAt))
  const etaMs = !finished && done > 0 && total > done ? (elapsedMs / done) * (total - done) : undefined
  return { done: finished && total > 0 && run.status === "COMPLETED" ? total : done, total, failed, elapsedMs, etaMs, finished }
}

/** `[████░░░░] 3/8  elapsed 4.0s  eta 6.6s`. */
export const progressLine = (progress: RunProgress, barWidth: number): string => {
  const counts = progress.total > 0 ? `${progress.done}/${progress.total}` : "waiting for samples"
  const failed = progress.failed > 0 ? `  ${progress.failed} failed` : ""
  const eta = progress.etaMs !== undefined ? `  eta ${formatDuration(progress.etaMs)}` : ""
  return `[${bar(progress.done, progress.total, barWidth)}] ${counts}  elapsed ${formatDuration(progress.elapsedMs)}${eta}${failed}`
}
