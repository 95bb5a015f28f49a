/**
 * How far an evaluation run has got, from the fruxkit `progress` field that
 * core's polling reports: samples done of total, time elapsed, the rate so far
 * (samples per second since `startedAt`) and the ETA it gives. Shared by the
 * progress bar, the CLI's stderr line, `fruxkit run` and `fruxkit runs`.
 */
import { isTerminalRunStatus, type EvaluationRun } from "@fruxkit/core"
import { bar, formatDuration } from "./format-units.js"

export interface RunProgress {
  readonly done: number
  readonly total: number
  readonly failed: number
  readonly elapsedMs: number
  /** Samples judged per second so far; `undefined` until at least one sample is done. */
  readonly ratePerSecond: number | undefined
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
  const ratePerSecond = done > 0 && elapsedMs > 0 ? (done / elapsedMs) * 1000 : undefined
  const etaMs = !finished && done > 0 && total > done ? (elapsedMs / done) * (total - done) : undefined
  return { done: finished && total > 0 && run.status === "COMPLETED" ? total : done, total, failed, elapsedMs, ratePerSecond, etaMs, finished }
}

/** `12/s`, `0.8/s`. */
export const formatRate = (perSecond: number): string => `${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)}/s`

/** `[████░░░░] 3/8  elapsed 4.0s  0.8/s  eta 6.6s`. */
export const progressLine = (progress: RunProgress, barWidth: number): string => {
  const counts = progress.total > 0 ? `${progress.done}/${progress.total}` : "waiting for samples"
  const failed = progress.failed > 0 ? `  ${progress.failed} failed` : ""
  const rate = progress.ratePerSecond !== undefined ? `  ${formatRate(progress.ratePerSecond)}` : ""
  const eta = progress.etaMs !== undefined ? `  eta ${formatDuration(progress.etaMs)}` : ""
  return `[${bar(progress.done, progress.total, barWidth)}] ${counts}  elapsed ${formatDuration(progress.elapsedMs)}${rate}${eta}${failed}`
}

/** A running run in one short cell (`fruxkit runs`): `40% 0.5/s eta 12s`; `undefined` once it ended or before it has a total. */
export const progressCell = (progress: RunProgress): string | undefined => {
  if (progress.finished || progress.total === 0) return undefined
  const percent = `${Math.floor((progress.done / progress.total) * 100)}%`
  const rate = progress.ratePerSecond !== undefined ? ` ${formatRate(progress.ratePerSecond)}` : ""
  const eta = progress.etaMs !== undefined ? ` eta ${formatDuration(progress.etaMs)}` : ""
  return `${percent}${rate}${eta}`
}
