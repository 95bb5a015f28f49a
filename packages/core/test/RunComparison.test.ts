import { describe, expect, it } from "vitest"
import { RunComparison, type EvaluationRun, type EvaluationRunSampleResult } from "../src/index.js"

const run = (id: string, score: number, datasetId = "d1"): EvaluationRun =>
  ({ id, status: "COMPLETED", datasetId, candidateRevision: 2, deployedRevision: 1, score, deploymentRecommendation: "DEPLOY" }) as unknown as EvaluationRun

const sample = (sampleId: string, index: number, score: number, assessment: string, candidateStatus = "COMPLETED"): EvaluationRunSampleResult =>
  ({
    sampleId,
    sampleIndex: index,
    parameters: {},
    baseRevisionResult: { status: "COMPLETED" },
    candidateRevisionResult: { status: candidateStatus },
    llmEvaluation: { score, overallAssessment: assessment },
    systemEvaluation: null
  }) as unknown as EvaluationRunSampleResult

describe("RunComparison", () => {
  it("a regression is the judge's REGRESSED/WORSE/FAILED, or a candidate that failed where the base answered", () => {
    expect(RunComparison.isRegression(sample("a", 0, 9, "IMPROVED"))).toBe(false)
    expect(RunComparison.isRegression(sample("a", 0, 3, "REGRESSED"))).toBe(true)
    expect(RunComparison.isRegression(sample("a", 0, 3, "worse"))).toBe(true)
    expect(RunComparison.isRegression(sample("a", 0, 9, "EQUIVALENT", "FAILED"))).toBe(true)
  })

  it("joins on sampleId: deltas, flips, improved/regressed/unchanged, samples only on one side; regressions first", () => {
    const base = { run: run("A", 7), samples: [sample("s1", 0, 8, "IMPROVED"), sample("s2", 1, 4, "REGRESSED"), sample("s3", 2, 7, "EQUIVALENT"), sample("gone", 3, 5, "EQUIVALENT")] }
    const head = { run: run("B", 7.5), samples: [sample("s1", 0, 3, "REGRESSED"), sample("s2", 1, 9, "IMPROVED"), sample("s3", 2, 7.02, "EQUIVALENT"), sample("new", 3, 6, "EQUIVALENT")] }
    const comparison = RunComparison.compareRuns(base, head)
    expect(comparison.summary).toEqual({ improved: 1, regressed: 1, unchanged: 1, onlyInBase: 1, onlyInHead: 1, flipped: 2, scoreDelta: 0.5, sameDataset: true })
    expect(comparison.samples.map((s) => [s.sampleId, s.change, s.flipped])).toEqual([
      ["s1", "regressed", true],
      ["s2", "improved", true],
      ["s3", "unchanged", false],
      ["gone", "only_in_base", false],
      ["new", "only_in_head", false]
    ])
    expect(comparison.samples[0]!.delta).toBe(-5)
    expect(comparison.base).toMatchObject({ id: "A", samples: 4, regressions: 1 })
    expect(comparison.head).toMatchObject({ id: "B", samples: 4, regressions: 1 })
  })
})
