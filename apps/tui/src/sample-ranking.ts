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

/** Relative growth; from a base of 0 there is no ratio, so anything new counts as +100% (for ordering only). */
const growth = (candidate: number, base: number) => (base === 0 ? (candidate > 0 ? 1 : 0) : (candidate - base) / Math.abs(base))

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

const signed = (text: string, value: number) => `${value >= 0 ? "+" : "−"}${text}`

/**
 * The regression as people read it: a percentage of the base's runtime and
 * cost, or, where the base took no time or cost nothing (a percentage of 0
 * would be "+100000000030%"), the absolute difference ("+120ms", "+$0.0012"),
 * "new" when the base had nothing at all, "FAILED" when the candidate failed
 * where the base answered.
 */
export const regressionText = (
  sample: EvaluationRunSampleResult,
  format: { readonly duration: (ms: number) => string; readonly cost: (usd: number) => string; readonly failed?: string }
): string => {
  if (failed(sample.candidateRevisionResult) && !failed(sample.baseRevisionResult)) return format.failed ?? "FAILED"
  const system = sample.systemEvaluation
  if (!system) return "—"
  if (system.baseRuntimeMs > 0 && system.baseCost > 0) {
    const percent = Math.round(regressionOf(sample) * 100)
    return `${percent >= 0 ? "+" : "−"}${Math.abs(percent)}%`
  }
  if (system.baseRuntimeMs === 0 && system.baseCost === 0) return system.candidateRuntimeMs > 0 || system.candidateCost > 0 ? "new" : "0%"
  // One of the base's two is 0: no ratio; the runtime difference (the cost's when the runtimes are equal).
  const runtime = system.candidateRuntimeMs - system.baseRuntimeMs
  const cost = system.candidateCost - system.baseCost
  return runtime !== 0 ? signed(format.duration(Math.abs(runtime)), runtime) : signed(format.cost(Math.abs(cost)), cost)
}
