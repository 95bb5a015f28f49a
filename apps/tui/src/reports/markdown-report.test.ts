import type { EvaluationRun, EvaluationRunSampleResult } from "@fruxkit/core"
import { describe, expect, it } from "vitest"
import { MARKDOWN_LIMIT, markdownReport } from "./markdown-report.js"

const run = {
  id: "run-1",
  status: "COMPLETED",
  datasetId: "golden-id",
  candidateRevision: 7,
  deployedRevision: 6,
  score: 4.2,
  deploymentRecommendation: "DO_NOT_DEPLOY",
  summary: {
    totalSamples: 5000,
    successfulEvaluations: 5000,
    failedEvaluations: 0,
    averageLlmScore: 4.2,
    scoreDistribution: { "0-2": 2500, "8-10": 2500 },
    assessmentDistribution: { REGRESSED: 2500, IMPROVED: 2500 },
    topConcerns: [],
    keyImprovements: [],
    runtime: { totalBaseMs: 1000, totalCandidateMs: 2000, averageBaseMs: 1, averageCandidateMs: 2 },
    cost: { totalBase: 1, totalCandidate: 2, averageBase: 0.001, averageCandidate: 0.002 }
  }
} as unknown as EvaluationRun

const long = "x | ```y``` ".repeat(2000)
const samples = Array.from(
  { length: 5000 },
  (_, i) =>
    ({
      sampleId: `s${i}`,
      sampleIndex: i,
      parameters: { question: `question ${i} ${long}` },
      baseRevisionResult: { status: "COMPLETED", response: `base ${long}` },
      candidateRevisionResult: { status: "COMPLETED", response: `candidate ${long}` },
      llmEvaluation: { score: i % 2 ? 1 : 9, overallAssessment: i % 2 ? "REGRESSED" : "IMPROVED", summary: long },
      systemEvaluation: null
    }) as unknown as EvaluationRunSampleResult
)

describe("markdownReport", () => {
  it("stays within GitHub's comment limit however large the run, with the verdict, tables and top regressions", () => {
    const gate = { passed: false, checks: [{ name: "fail_under" as const, threshold: 8, actual: 4.2, passed: false }] }
    const text = markdownReport({ agent: "support_bot", run, gate, samples, datasetName: "golden" })
    expect(text.length).toBeLessThanOrEqual(MARKDOWN_LIMIT)
    expect(text).toContain("❌ **FAIL** — revision 7 failed: fail under")
    expect(text).toContain("| fail under | 8 | 4.2 | ❌ |")
    expect(text).toContain("| REGRESSED | 2500 |")
    expect(text).toContain("| runtime total | 1.0s | 2.0s |")
    expect(text).toMatch(/#### Top regressions \(10 of 2500\)/)
    // Excerpts are cut, a pipe cannot end a table cell and a fence cannot be closed from inside.
    expect(text.split("\n").filter((line) => line.startsWith("```")).length % 2).toBe(0)
  })
})
