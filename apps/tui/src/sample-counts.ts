/**
 * What happened to a run's samples, in words that cannot contradict the
 * assessment chart. The contract's `failedEvaluations` counts samples the
 * judge could not judge (a harness failure), while the assessment `FAILED`
 * counts samples the judge did judge: the candidate failed on them. Both
 * were once printed as "failed", so "failed 0" stood next to "FAILED 10".
 * Shared by the run screen and the CLI's run summary.
 */
import type { EvaluationRunSummary } from "@fruxkit/core"

/** "1 sample", "3 samples". */
export const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? "" : "s"}`

/** `10 samples · 10 judged (the candidate failed on 10) · 0 not judged`. */
export const sampleCountsLine = (summary: EvaluationRunSummary): string => {
  const candidateFailed = summary.assessmentDistribution.FAILED ?? 0
  const judged = `${summary.successfulEvaluations} judged${candidateFailed > 0 ? ` (the candidate failed on ${candidateFailed})` : ""}`
  return `${plural(summary.totalSamples, "sample")} · ${judged} · ${summary.failedEvaluations} not judged`
}
