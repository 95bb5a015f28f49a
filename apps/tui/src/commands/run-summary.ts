/** A finished (or running) evaluation run as text: the table `eval --wait` and `run` print. */
import { isTerminalRunStatus, type EvaluationRun, type EvaluationRunSampleResult } from "@fruxkit/core"
import { bar, formatCost, formatDuration, formatScore, formatTime, oneLine, truncate } from "../format-units.js"
import { progressLine, runProgress } from "../run-progress.js"
import { regressionText, sortSamples } from "../sample-ranking.js"
import { facts, table } from "./tables.js"
import { sampleCountsLine } from "../sample-counts.js"

export type Verdict = "pass" | "below" | "failed" | "unjudged"

/**
 * The judge scores 0–10 (the embedded backend's judge; the contract does not
 * state a scale, so this is our reading, kept here only). `--fail-under 0.8`
 * is a fraction of that scale (8.0); a threshold above 1 is a score as is.
 */
export const JUDGE_SCORE_SCALE = 10

export const thresholdScore = (failUnder: number): number => (failUnder <= 1 ? failUnder * JUDGE_SCORE_SCALE : failUnder)

/** What `--fail-under` decides: a run that did not complete never passes. */
export const verdictOf = (run: EvaluationRun, failUnder: number | undefined): Verdict => {
  if (run.status !== "COMPLETED") return "failed"
  if (failUnder === undefined) return "unjudged"
  return (run.score ?? Number.NEGATIVE_INFINITY) >= thresholdScore(failUnder) ? "pass" : "below"
}

const distribution = (title: string, counts: Readonly<Record<string, number>>): Array<string> => {
  const entries = Object.entries(counts)
  if (entries.length === 0) return []
  const max = Math.max(...entries.map(([, n]) => n))
  const width = Math.max(...entries.map(([k]) => k.length))
  return [title, ...entries.map(([label, n]) => `  ${label.padEnd(width)}  ${bar(n, max, 20)} ${n}`)]
}

export const runSummaryText = (run: EvaluationRun, options: { failUnder?: number | undefined; datasetName?: string | undefined } = {}): string => {
  const summary = run.summary
  const verdict = verdictOf(run, options.failUnder)
  const score =
    options.failUnder === undefined
      ? formatScore(run.score)
      : `${formatScore(run.score)} of ${JUDGE_SCORE_SCALE} (threshold ${formatScore(thresholdScore(options.failUnder))} → ${verdict === "pass" ? "PASS" : verdict === "below" ? "BELOW" : "FAILED"})`
  const lines: Array<string> = [
    facts([
      ["run", run.id],
      ["status", run.status],
      ["candidate", run.candidateRevision !== null ? `revision ${run.candidateRevision}` : "external agent or draft"],
      ["base", run.deployedRevision !== null ? `deployed revision ${run.deployedRevision}` : "—"],
      ["dataset", options.datasetName ?? run.datasetId ?? "all datasets"],
      ["score", score],
      ["recommendation", run.deploymentRecommendation ?? "—"],
      ["created", formatTime(run.createdAt)],
      ...(!isTerminalRunStatus(run.status) ? ([["progress", progressLine(runProgress(run, Date.now()), 20)]] as const) : []),
      ...(run.errorMessage ? ([["error", run.errorMessage]] as const) : []),
      ...(summary
        ? ([["samples", sampleCountsLine(summary)]] as const)
        : [])
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

export const samplesTableText = (samples: ReadonlyArray<EvaluationRunSampleResult>): string =>
  table(
    ["#", "score", "assessment", "regression", "base", "candidate", "summary"],
    sortSamples(samples, "score").map((s) => {
      return [
        String(s.sampleIndex),
        formatScore(s.llmEvaluation?.score),
        s.llmEvaluation?.overallAssessment || "—",
        regressionText(s, { duration: formatDuration, cost: formatCost, failed: "cand. failed" }),
        s.baseRevisionResult?.status ?? "—",
        s.candidateRevisionResult?.status ?? "—",
        truncate(oneLine(s.llmEvaluation?.summary ?? ""), 50)
      ]
    })
  )
