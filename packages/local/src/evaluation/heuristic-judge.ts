/**
 * The default judge: deterministic, offline. Each answer's quality is its
 * similarity to the reference (the sample's snapshotted output; the base's
 * answer when the sample has none). The candidate's score is its quality ×
 * 10; the assessment compares candidate and base quality:
 *
 * - FAILED: the candidate errored (score 0);
 * - IMPROVED: the base errored, or candidate quality exceeds base by > 0.05;
 * - REGRESSED: candidate quality is below base by > 0.05;
 * - EQUIVALENT: otherwise.
 *
 * Concerns and improvements are short fixed phrases, so the run summary can
 * count them across samples.
 */
import type { LlmEvaluation } from "@fruxkit/core"
import type { Assessment, Judge, JudgeInput } from "./Judge.js"
import { MAX_SCORE } from "./Judge.js"
import { similarity } from "./similarity.js"

const MARGIN = 0.05

const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits

export const judgeHeuristically = (input: JudgeInput): LlmEvaluation => {
  const { base, candidate } = input
  const reference = input.expected !== "" ? input.expected : base.status === "COMPLETED" ? base.response : ""
  const concerns: Array<string> = []
  const improvements: Array<string> = []
  const recommendations: Array<string> = []
  const monitoring: Array<string> = []

  if (candidate.status !== "COMPLETED") {
    concerns.push(`Candidate failed: ${candidate.error ?? "no answer"}`)
    recommendations.push("Fix the candidate's failure before deploying")
    return {
      score: 0,
      overallAssessment: "FAILED" satisfies Assessment,
      summary: "The candidate did not produce an answer.",
      analysis: `Candidate status ${candidate.status}: ${candidate.error ?? "no answer"}.`,
      keyImprovements: [],
      concernsRisks: concerns,
      deploymentRecommendations: recommendations,
      monitoringPriorities: ["Candidate error rate"],
      errorCategory: "CANDIDATE_ERROR",
      errorTitle: "Candidate execution failed",
      errorRecommendation: "Inspect the candidate's trace for the failing step."
    }
  }

  const candidateMatch = similarity(candidate.response, reference)
  const baseMatch = base.status === "COMPLETED" ? similarity(base.response, reference) : { score: 0, method: "exact" as const }
  const delta = candidateMatch.score - baseMatch.score
  let assessment: Assessment
  if (base.status !== "COMPLETED") {
    assessment = "IMPROVED"
    improvements.push("Answers where the base failed")
  } else if (delta > MARGIN) {
    assessment = "IMPROVED"
    improvements.push("Closer to the expected output")
  } else if (delta < -MARGIN) {
    assessment = "REGRESSED"
    concerns.push("Further from the expected output than the base")
    recommendations.push("Review the regressed samples before deploying")
  } else {
    assessment = "EQUIVALENT"
  }
  if (base.status === "COMPLETED" && base.durationMs > 0) {
    if (candidate.durationMs > base.durationMs * 1.5 && candidate.durationMs - base.durationMs > 50) {
      concerns.push("Slower than the base by more than 50%")
      monitoring.push("Latency")
    } else if (candidate.durationMs < base.durationMs * 0.67 && base.durationMs - candidate.durationMs > 50) {
      improvements.push("Faster than the base by more than 33%")
    }
  }
  if (base.cost > 0) {
    if (candidate.cost > base.cost * 1.2) {
      concerns.push("Costs more than the base by more than 20%")
      monitoring.push("Cost per execution")
    } else if (candidate.cost < base.cost * 0.8) {
      improvements.push("Costs less than the base by more than 20%")
    }
  }
  if (candidate.response.trim() === "") concerns.push("Empty answer")

  return {
    score: round(candidateMatch.score * MAX_SCORE),
    overallAssessment: assessment,
    summary: `${assessment}: candidate matches the reference at ${round(candidateMatch.score)} (${candidateMatch.method}), base at ${round(baseMatch.score)}.`,
    analysis: `Reference: ${input.expected !== "" ? "the sample's expected output" : "the base's answer"}. Candidate ${candidate.durationMs} ms, base ${base.durationMs} ms.`,
    keyImprovements: improvements,
    concernsRisks: concerns,
    deploymentRecommendations: recommendations,
    monitoringPriorities: monitoring,
    errorCategory: null,
    errorTitle: null,
    errorRecommendation: null
  }
}

export const heuristicJudge: Judge = {
  name: "heuristic",
  judge: async (input) => judgeHeuristically(input)
}
