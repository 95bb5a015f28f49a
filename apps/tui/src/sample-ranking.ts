/**
 * Ordering per-sample results. "By score": the judge's score, worst first.
 * "By regression": what got worse going from base to candidate, worst first —
 * a candidate that failed where the base answered, then the relative growth
 * of runtime plus cost. (Fruxon defines no regression measure; this is ours.)
 */
import type { EvaluationRunSampleResult } from "@fruxkit/core"

export type SampleOrder = "score" | "regression"

const failed = (result: EvaluationRunSampleResult["baseRevisionResult"]) =>
  result === null || result.status === "FAILED" || result.status === "REJECTED"

const growth = (candidate: number, base: number) => (candidate - base) / Math.max(Math.abs(base), 1e-9)

export const regressionOf = (sample: EvaluationRunSampleResult): number => {
  if (failed(sample.candidateRevisionResult) && !failed(sample.baseRevisionResult)) return Number.POSITIVE_INFINITY
  const system = sample.systemEvaluation
  if (!system) return 0
  return growth(system.candidateRuntimeMs, system.baseRuntimeMs) + growth(system.candidateCost, system.baseCost)
}

export const scoreOf = (sample: EvaluationRunSampleResult): number => sample.llmEvaluation?.score ?? Number.NEGATIVE_INFINITY

export const sortSamples = (
  samples: ReadonlyArray<EvaluationRunSampleResult>,
  order: SampleOrder
): Array<EvaluationRunSampleResult> =>
  [...samples].sort((a, b) =>
    order === "score"
      ? scoreOf(a) - scoreOf(b) || a.sampleIndex - b.sampleIndex
      : regressionOf(b) - regressionOf(a) || a.sampleIndex - b.sampleIndex
  )
