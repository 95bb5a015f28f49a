/**
 * Two evaluation runs of the same dataset, joined per sample on `sampleId`:
 * each side's judge score and assessment, the score delta, and which samples
 * flipped between "regressed" and not. API-level so the CLI (`fruxkit
 * compare`), the TUI and a web viewer read one answer.
 *
 * What counts as a regression in one run is ours (the contract defines no
 * measure): the judge's assessment says so (REGRESSED, WORSE, FAILED), or the
 * candidate failed where the base answered.
 */
import type { EvaluationRun, EvaluationRunSampleResult } from "./schema/EvaluationRun.js"

const REGRESSION_ASSESSMENTS: ReadonlySet<string> = new Set(["REGRESSED", "REGRESSION", "WORSE", "FAILED"])

const answerFailed = (result: EvaluationRunSampleResult["baseRevisionResult"]): boolean =>
  result === null || result.status === "FAILED" || result.status === "REJECTED"

/** Did the candidate regress on this sample, within its own run? */
export const isRegression = (sample: EvaluationRunSampleResult): boolean => {
  const assessment = sample.llmEvaluation?.overallAssessment?.toUpperCase()
  if (assessment !== undefined && REGRESSION_ASSESSMENTS.has(assessment)) return true
  return answerFailed(sample.candidateRevisionResult) && !answerFailed(sample.baseRevisionResult)
}

export interface SampleSide {
  readonly sampleIndex: number
  readonly score: number | null
  readonly assessment: string | null
  readonly regression: boolean
}

export type SampleChange = "improved" | "regressed" | "unchanged" | "only_in_base" | "only_in_head"

export interface SampleComparison {
  readonly sampleId: string
  readonly base: SampleSide | null
  readonly head: SampleSide | null
  /** head score − base score; null when either side has no score. */
  readonly delta: number | null
  /** The regression verdict differs between the two runs. */
  readonly flipped: boolean
  readonly change: SampleChange
}

export interface RunSide {
  readonly id: string
  readonly status: string
  readonly datasetId: string | null
  readonly candidateRevision: number | null
  readonly deployedRevision: number | null
  readonly score: number | null
  readonly deploymentRecommendation: string | null
  readonly samples: number
  readonly regressions: number
}

export interface ComparisonSummary {
  readonly improved: number
  readonly regressed: number
  readonly unchanged: number
  readonly onlyInBase: number
  readonly onlyInHead: number
  readonly flipped: number
  /** head score − base score for the runs. */
  readonly scoreDelta: number | null
  readonly sameDataset: boolean
}

export interface RunComparison {
  readonly base: RunSide
  readonly head: RunSide
  readonly summary: ComparisonSummary
  /** Worst first: regressions by delta, then the rest by delta. */
  readonly samples: ReadonlyArray<SampleComparison>
}

/** A score change smaller than this is noise, not an improvement (judges report one decimal). */
export const SCORE_EPSILON = 0.05

const sideOf = (sample: EvaluationRunSampleResult): SampleSide => ({
  sampleIndex: sample.sampleIndex,
  score: sample.llmEvaluation?.score ?? null,
  assessment: sample.llmEvaluation?.overallAssessment ?? null,
  regression: isRegression(sample)
})

const runSide = (run: EvaluationRun, samples: ReadonlyArray<EvaluationRunSampleResult>): RunSide => ({
  id: run.id,
  status: run.status,
  datasetId: run.datasetId,
  candidateRevision: run.candidateRevision,
  deployedRevision: run.deployedRevision,
  score: run.score,
  deploymentRecommendation: run.deploymentRecommendation,
  samples: samples.length,
  regressions: samples.filter(isRegression).length
})

const changeOf = (base: SampleSide | null, head: SampleSide | null, delta: number | null): SampleChange => {
  if (!base) return "only_in_head"
  if (!head) return "only_in_base"
  if (base.regression !== head.regression) return head.regression ? "regressed" : "improved"
  if (delta !== null && Math.abs(delta) >= SCORE_EPSILON) return delta > 0 ? "improved" : "regressed"
  return "unchanged"
}

const CHANGE_ORDER: Record<SampleChange, number> = { regressed: 0, improved: 1, unchanged: 2, only_in_base: 3, only_in_head: 4 }

export const compareRuns = (
  base: { readonly run: EvaluationRun; readonly samples: ReadonlyArray<EvaluationRunSampleResult> },
  head: { readonly run: EvaluationRun; readonly samples: ReadonlyArray<EvaluationRunSampleResult> }
): RunComparison => {
  const baseById = new Map(base.samples.map((s) => [s.sampleId, s]))
  const headById = new Map(head.samples.map((s) => [s.sampleId, s]))
  const ids = [...new Set([...baseById.keys(), ...headById.keys()])]
  const samples = ids.map((sampleId): SampleComparison => {
    const b = baseById.get(sampleId)
    const h = headById.get(sampleId)
    const baseSide = b ? sideOf(b) : null
    const headSide = h ? sideOf(h) : null
    const delta = baseSide?.score != null && headSide?.score != null ? headSide.score - baseSide.score : null
    return {
      sampleId,
      base: baseSide,
      head: headSide,
      delta,
      flipped: baseSide !== null && headSide !== null && baseSide.regression !== headSide.regression,
      change: changeOf(baseSide, headSide, delta)
    }
  })
  samples.sort(
    (x, y) =>
      CHANGE_ORDER[x.change] - CHANGE_ORDER[y.change] ||
      (x.delta ?? 0) - (y.delta ?? 0) ||
      (x.head?.sampleIndex ?? x.base?.sampleIndex ?? 0) - (y.head?.sampleIndex ?? y.base?.sampleIndex ?? 0)
  )
  const count = (change: SampleChange) => samples.filter((s) => s.change === change).length
  return {
    base: runSide(base.run, base.samples),
    head: runSide(head.run, head.samples),
    summary: {
      improved: count("improved"),
      regressed: count("regressed"),
      unchanged: count("unchanged"),
      onlyInBase: count("only_in_base"),
      onlyInHead: count("only_in_head"),
      flipped: samples.filter((s) => s.flipped).length,
      scoreDelta: base.run.score !== null && head.run.score !== null ? head.run.score - base.run.score : null,
      sameDataset: base.run.datasetId === head.run.datasetId
    },
    samples
  }
}
