import { describe, expect, it } from "vitest"
import { judgeHeuristically } from "../src/evaluation/heuristic-judge.js"
import type { JudgedExecution } from "../src/evaluation/Judge.js"
import { bucketOf, recommend, summarise } from "../src/evaluation/summary.js"
import { similarity, tokenOverlap } from "../src/evaluation/similarity.js"
import type { RunSampleRow } from "../src/store/RunStore.js"
import { sampleRow } from "./support.js"

const ok = (response: string, durationMs = 100, cost = 0.001): JudgedExecution => ({ status: "COMPLETED", response, error: undefined, durationMs, cost })

describe("similarity", () => {
  it("is 1 for an exact match, structural for JSON, token-overlap F1 otherwise", () => {
    expect(similarity("  same ", "same")).toEqual({ score: 1, method: "exact" })
    expect(similarity('{"a":1,"b":2}', '{"b":2,"a":1}').score).toBe(1)
    expect(similarity('{"a":1,"b":2}', '{"a":1,"b":3}')).toEqual({ score: 0.5, method: "json" })
    expect(similarity('{"a":1}', "[1]").score).toBe(0)
    expect(tokenOverlap("the cat sat", "the cat")).toBeCloseTo(0.8, 10)
    expect(similarity("Refunds take 5 days", "refunds TAKE 5 days!").method).toBe("tokens")
    expect(similarity("Refunds take 5 days", "refunds TAKE 5 days!").score).toBe(1)
  })
})

describe("heuristic judge", () => {
  it("scores against the expected output and compares with the base", () => {
    const improved = judgeHeuristically({ parameters: {}, expected: "a b c d", base: ok("a b"), candidate: ok("a b c d") })
    expect(improved).toMatchObject({ score: 10, overallAssessment: "IMPROVED", keyImprovements: ["Closer to the expected output"] })
    const regressed = judgeHeuristically({ parameters: {}, expected: "a b c d", base: ok("a b c d"), candidate: ok("x y") })
    expect(regressed.overallAssessment).toBe("REGRESSED")
    expect(regressed.score).toBe(0)
    expect(regressed.concernsRisks).toContain("Further from the expected output than the base")
    const same = judgeHeuristically({ parameters: {}, expected: "", base: ok("a b c"), candidate: ok("a b c") })
    expect(same).toMatchObject({ overallAssessment: "EQUIVALENT", score: 10 })
  })

  it("marks a failed candidate FAILED with score 0 and flags latency and cost regressions", () => {
    const failed = judgeHeuristically({
      parameters: {},
      expected: "x",
      base: ok("x"),
      candidate: { status: "FAILED", response: "", error: "boom", durationMs: 5, cost: 0 }
    })
    expect(failed).toMatchObject({ score: 0, overallAssessment: "FAILED", errorCategory: "CANDIDATE_ERROR", concernsRisks: ["Candidate failed: boom"] })
    const slow = judgeHeuristically({ parameters: {}, expected: "x", base: ok("x", 100, 0.001), candidate: ok("x", 400, 0.01) })
    expect(slow.concernsRisks).toEqual(["Slower than the base by more than 50%", "Costs more than the base by more than 20%"])
    const base_failed = judgeHeuristically({ parameters: {}, expected: "x", base: { status: "FAILED", response: "", error: "e", durationMs: 1, cost: 0 }, candidate: ok("x") })
    expect(base_failed.overallAssessment).toBe("IMPROVED")
  })
})

const row = (index: number, score: number, assessment: string, ms: number, opts: { failed?: boolean; concerns?: Array<string> } = {}): RunSampleRow =>
  sampleRow(
    index,
    {
      llmEvaluation: {
        score,
        overallAssessment: assessment,
        summary: "",
        analysis: "",
        keyImprovements: [],
        concernsRisks: opts.concerns ?? [],
        deploymentRecommendations: [],
        monitoringPriorities: [],
        errorCategory: null,
        errorTitle: null,
        errorRecommendation: null
      },
      systemEvaluation: { baseRuntimeMs: 10, candidateRuntimeMs: ms, baseCost: 0.5, candidateCost: 1 }
    },
    opts.failed ?? false
  )

describe("summary", () => {
  it("fills every field as the contract defines it", () => {
    const verdict = summarise(
      [
        row(0, 10, "IMPROVED", 10, { concerns: ["Slow"] }),
        row(1, 4, "REGRESSED", 20, { concerns: ["Slow", "Rude"] }),
        row(2, 7, "EQUIVALENT", 30),
        row(3, 0, "EVALUATION_FAILED", 40, { failed: true })
      ],
      4
    )
    const s = verdict.summary
    expect(s).toMatchObject({ totalSamples: 4, successfulEvaluations: 3, failedEvaluations: 1, averageLlmScore: 7 })
    expect(s.scoreDistribution).toEqual({ "0-2": 0, "2-4": 0, "4-6": 1, "6-8": 1, "8-10": 1 })
    expect(s.assessmentDistribution).toEqual({ IMPROVED: 1, REGRESSED: 1, EQUIVALENT: 1 })
    expect(s.topConcerns).toEqual(["Slow (2/4 samples)", "Rude (1/4 samples)"])
    expect(s.runtime).toEqual({ totalCandidateMs: 100, totalBaseMs: 40, averageCandidateMs: 25, averageBaseMs: 10, stdevCandidateMs: 11.18 })
    expect(s.cost).toEqual({ totalCandidate: 4, totalBase: 2, averageCandidate: 1, averageBase: 0.5 })
    expect(verdict.score).toBe(7)
    expect(verdict.deploymentRecommendation).toBe("DEPLOY_WITH_CAUTION")
  })

  it("buckets scores and recommends from the distribution", () => {
    expect([0, 1.99, 2, 5, 7.9, 8, 10].map(bucketOf)).toEqual(["0-2", "0-2", "2-4", "4-6", "6-8", "8-10", "8-10"])
    expect(summarise([], 3).deploymentRecommendation).toBe("INSUFFICIENT_DATA")
    expect(summarise([row(0, 9, "IMPROVED", 1), row(1, 9, "EQUIVALENT", 1)], 2).deploymentRecommendation).toBe("DEPLOY")
    expect(summarise([row(0, 1, "REGRESSED", 1), row(1, 9, "EQUIVALENT", 1)], 2).deploymentRecommendation).toBe("DO_NOT_DEPLOY")
    const base = summarise([row(0, 9, "IMPROVED", 1)], 1).summary
    expect(recommend({ ...base, assessmentDistribution: { FAILED: 1, IMPROVED: 9 }, totalSamples: 10 })).toBe("DEPLOY_WITH_CAUTION")
    expect(recommend({ ...base, assessmentDistribution: { FAILED: 2, IMPROVED: 8 }, totalSamples: 10 })).toBe("DO_NOT_DEPLOY")
  })
})
