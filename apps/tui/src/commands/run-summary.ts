/** A finished (or running) evaluation run as text: the table `eval --wait` and `run` print. */
import { RunGate, isTerminalRunStatus, type EvaluationRun, type EvaluationRunSampleResult } from "@fruxkit/core"
import { bar, formatCost, formatDuration, formatScore, formatTime, oneLine, truncate } from "../format-units.js"
import { progressLine, runProgress } from "../run-progress.js"
import { regressionText, sortSamples } from "../sample-ranking.js"
import { facts, table } from "./tables.js"
import { sampleCountsLine } from "../sample-counts.js"

const distribution = (title: string, counts: Readonly<Record<string, number>>): Array<string> => {
  const entries = Object.entries(counts)
  if (entries.length === 0) return []
  const max = Math.max(...entries.map(([, n]) => n))
  const width = Math.max(...entries.map(([k]) => k.length))
  return [title, ...entries.map(([label, n]) => `  ${label.padEnd(width)}  ${bar(n, max, 20)} ${n}`)]
}

/** What a run scored as its candidate: a revision, a pinned draft head (`draft:evaluate`), or an unsaved configuration. */
export const candidateLabel = (run: EvaluationRun): string =>
  run.candidateRevision !== null
    ? `revision ${run.candidateRevision}`
    : run.candidateSnapshotSeqNo !== null
      ? `draft v${run.candidateSnapshotSeqNo} of revision ${run.candidateBaseRevision ?? "?"}`
      : "external agent or draft"

export const runSummaryText = (run: EvaluationRun, options: { gate?: RunGate.Gate | undefined; datasetName?: string | undefined } = {}): string => {
  const summary = run.summary
  const score = run.score === null ? "—" : `${formatScore(run.score)} of ${RunGate.JUDGE_SCORE_SCALE}`
  const lines: Array<string> = [
    facts([
      ["run", run.id],
      ["status", run.status],
      ["candidate", candidateLabel(run)],
      ["base", run.deployedRevision !== null ? `deployed revision ${run.deployedRevision}` : "—"],
      ["dataset", options.datasetName ?? run.datasetId ?? "all datasets"],
      ["score", score],
      ["recommendation", run.deploymentRecommendation ?? "—"],
      ["created", formatTime(run.createdAt)],
      ...(!isTerminalRunStatus(run.status) ? ([["progress", progressLine(runProgress(run, Date.now()), 20)]] as const) : []),
      ...(run.errorMessage ? ([["error", run.errorMessage]] as const) : []),
      ...(summary
        ? ([["samples", sampleCountsLine(summary)]] as const)
        : []),
      ...(options.gate ? ([["gate", RunGate.gateLine(options.gate)]] as const) : [])
    ])
  ]
  if (summary) {
    const rows: Array<Array<string>> = []
    if (summary.runtime) {
      rows.push(["runtime total", formatDuration(summary.runtime.totalBaseMs), formatDuration(summary.runtime.totalCandidateMs)])
      rows.push(["runtime avg", formatDuration(summary.runtime.averageBaseMs), formatDuration(summary.runtime.averageCandidateMs)])
    }
    if (summary.cost) {
      rows.push(["cost total", formatCost(summary.cost.totalBase), formatCost(summary.cost.totalCandidate)])
      rows.push(["cost avg", formatCost(summary.cost.averageBase), formatCost(summary.cost.averageCandidate)])
    }
    if (rows.length > 0) lines.push("", table(["", "base", "candidate"], rows))
    const charts = [...distribution("score distribution", summary.scoreDistribution), ...distribution("assessments", summary.assessmentDistribution)]
    if (charts.length > 0) lines.push("", ...charts)
    if (summary.topConcerns.length > 0) lines.push("", "top concerns", ...summary.topConcerns.map((c) => `  • ${oneLine(c)}`))
    if (summary.keyImprovements.length > 0) lines.push("", "key improvements", ...summary.keyImprovements.map((c) => `  • ${oneLine(c)}`))
  }
  return lines.join("\n")
}

/**
 * The per-sample table; the judge's summary gets whatever width is left of
 * `width` (the terminal's, or COLUMNS), never less than 10 characters.
 */
export const samplesTableText = (samples: ReadonlyArray<EvaluationRunSampleResult>, width = 100): string => {
  const rows = sortSamples(samples, "score").map((s) => {
    return [
      String(s.sampleIndex),
      formatScore(s.llmEvaluation?.score),
      s.llmEvaluation?.overallAssessment || "—",
      regressionText(s, { duration: formatDuration, cost: formatCost, failed: "cand. failed" }),
      s.baseRevisionResult?.status ?? "—",
      s.candidateRevisionResult?.status ?? "—",
      oneLine(s.llmEvaluation?.summary ?? "")
    ]
  })
  const header = ["#", "score", "assessment", "regression", "base", "candidate", "summary"]
  const fixed = header.slice(0, -1).reduce((sum, h, i) => sum + Math.max(h.length, ...rows.map((r) => r[i]!.length)) + 2, 0)
  const room = Math.max(10, width - fixed)
  return table(header, rows.map((r) => [...r.slice(0, -1), truncate(r[r.length - 1]!, room)]))
}
