/**
 * A finished run's `summary`, `score` and `deploymentRecommendation`,
 * computed from its per-sample results (so a resumed run summarises the
 * samples judged before the crash too).
 *
 * - successfulEvaluations: samples with a verdict (a candidate that errored
 *   still gets one: FAILED, score 0); failedEvaluations: samples that could
 *   not be judged (judge error, harness failure).
 * - scoreDistribution: verdict scores (0–10) in buckets "0-2", "2-4", "4-6",
 *   "6-8", "8-10" (a bucket holds its lower bound; 10 goes in "8-10").
 * - assessmentDistribution: verdicts per assessment.
 * - topConcerns / keyImprovements: the most frequent phrases, at most 5,
 *   as "<phrase> (<n>/<total> samples)".
 * - runtime / cost: over samples where both sides ran; stdev is the
 *   population standard deviation of candidate runtimes.
 */
import type { EvaluationRunSummary, LlmEvaluation, SystemEvaluation } from "@fruxkit/core"

/**
 * What the summary reads of a sample's result: whether it failed, its verdict and its timings (a stored run
 * reads only these to complete, not every execution and trace: EvaluationRunRepository.ts). A full
 * `RunSampleRow` is one.
 */
export interface SummarisedSample {
  readonly failed: boolean
  readonly result: {
    readonly llmEvaluation: Pick<LlmEvaluation, "score" | "overallAssessment" | "keyImprovements" | "concernsRisks"> | null
    readonly systemEvaluation: SystemEvaluation | null
  }
}

export const SCORE_BUCKETS = ["0-2", "2-4", "4-6", "6-8", "8-10"] as const

export const bucketOf = (score: number): string => SCORE_BUCKETS[Math.min(4, Math.max(0, Math.floor(score / 2)))]!

const TOP = 5

const topPhrases = (lists: ReadonlyArray<ReadonlyArray<string>>, total: number): Array<string> => {
  const counts = new Map<string, number>()
  for (const list of lists) for (const phrase of new Set(list)) counts.set(phrase, (counts.get(phrase) ?? 0) + 1)
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, TOP)
    .map(([phrase, n]) => `${phrase} (${n}/${total} samples)`)
}

const round = (value: number, digits = 4): number => Math.round(value * 10 ** digits) / 10 ** digits

export type DeploymentRecommendation = "DEPLOY" | "DEPLOY_WITH_CAUTION" | "DO_NOT_DEPLOY" | "INSUFFICIENT_DATA" | "NO_CHANGE"

/** Why NO_CHANGE, said first among the concerns (the recommendation itself is one word). */
export const noChangeConcern = (total: number): string =>
  `Same answers as the deployed revision on every sample: nothing to gain from deploying it, evaluate a revision that changes something (${total}/${total} samples)`

export interface RunVerdict {
  readonly summary: EvaluationRunSummary
  readonly score: number | null
  readonly deploymentRecommendation: DeploymentRecommendation
}

export const summarise = (rows: ReadonlyArray<SummarisedSample>, totalSamples: number): RunVerdict => {
  const judged = rows.filter((row) => !row.failed && row.result.llmEvaluation !== null)
  const scores = judged.map((row) => row.result.llmEvaluation!.score)
  const scoreDistribution: Record<string, number> = Object.fromEntries(SCORE_BUCKETS.map((b) => [b, 0]))
  for (const score of scores) scoreDistribution[bucketOf(score)]! += 1
  const assessmentDistribution: Record<string, number> = {}
  for (const row of judged) {
    const assessment = row.result.llmEvaluation!.overallAssessment
    assessmentDistribution[assessment] = (assessmentDistribution[assessment] ?? 0) + 1
  }
  const averageLlmScore = scores.length === 0 ? 0 : round(scores.reduce((a, b) => a + b, 0) / scores.length)

  const measured = rows.filter((row) => row.result.systemEvaluation !== null)
  const candidateMs = measured.map((row) => row.result.systemEvaluation!.candidateRuntimeMs)
  const baseMs = measured.map((row) => row.result.systemEvaluation!.baseRuntimeMs)
  const sum = (values: ReadonlyArray<number>) => values.reduce((a, b) => a + b, 0)
  const mean = (values: ReadonlyArray<number>) => (values.length === 0 ? 0 : sum(values) / values.length)
  const candidateMean = mean(candidateMs)
  const stdev = Math.sqrt(mean(candidateMs.map((ms) => (ms - candidateMean) ** 2)))
  const candidateCost = measured.map((row) => row.result.systemEvaluation!.candidateCost)
  const baseCost = measured.map((row) => row.result.systemEvaluation!.baseCost)

  const summary: EvaluationRunSummary = {
    totalSamples,
    successfulEvaluations: judged.length,
    failedEvaluations: rows.length - judged.length,
    averageLlmScore,
    scoreDistribution,
    assessmentDistribution,
    topConcerns: topPhrases(judged.map((row) => row.result.llmEvaluation!.concernsRisks), totalSamples),
    keyImprovements: topPhrases(judged.map((row) => row.result.llmEvaluation!.keyImprovements), totalSamples),
    runtime:
      measured.length === 0
        ? null
        : {
            totalCandidateMs: sum(candidateMs),
            totalBaseMs: sum(baseMs),
            averageCandidateMs: round(candidateMean, 2),
            averageBaseMs: round(mean(baseMs), 2),
            stdevCandidateMs: round(stdev, 2)
          },
    cost:
      measured.length === 0
        ? null
        : {
            totalCandidate: round(sum(candidateCost), 8),
            totalBase: round(sum(baseCost), 8),
            averageCandidate: round(mean(candidateCost), 8),
            averageBase: round(mean(baseCost), 8)
          }
  }
  const deploymentRecommendation = recommend(summary)
  const explained =
    deploymentRecommendation === "NO_CHANGE" ? { ...summary, topConcerns: [noChangeConcern(totalSamples), ...summary.topConcerns].slice(0, TOP) } : summary
  return { summary: explained, score: judged.length === 0 ? null : averageLlmScore, deploymentRecommendation }
}

/**
 * - INSUFFICIENT_DATA: no sample could be judged;
 * - DO_NOT_DEPLOY: the candidate failed on more than 10% of the samples, or
 *   regressed on more samples than it improved;
 * - DEPLOY_WITH_CAUTION: any regression, candidate failure or unjudged sample;
 * - NO_CHANGE: every sample judged equivalent (a revision evaluated against
 *   itself, or one whose change does not show): deploying it gains nothing;
 * - DEPLOY: otherwise.
 */
export const recommend = (summary: EvaluationRunSummary): DeploymentRecommendation => {
  const count = (name: string) => summary.assessmentDistribution[name] ?? 0
  if (summary.successfulEvaluations === 0) return "INSUFFICIENT_DATA"
  if (count("FAILED") > 0.1 * summary.totalSamples || count("REGRESSED") > count("IMPROVED")) return "DO_NOT_DEPLOY"
  if (count("REGRESSED") > 0 || count("FAILED") > 0 || summary.failedEvaluations > 0) return "DEPLOY_WITH_CAUTION"
  if (count("EQUIVALENT") === summary.successfulEvaluations) return "NO_CHANGE"
  return "DEPLOY"
}
