import { describe, expect, it } from "vitest"
import { RunGate, type EvaluationRun, type EvaluationRunSampleResult } from "../src/index.js"

const run = (status: string, score: number | null, deploymentRecommendation: string | null): EvaluationRun =>
  ({ id: "r", status, score, deploymentRecommendation }) as unknown as EvaluationRun

const sample = (overallAssessment: string): EvaluationRunSampleResult =>
  ({
    sampleId: overallAssessment,
    sampleIndex: 0,
    parameters: {},
    baseRevisionResult: { status: "COMPLETED" },
    candidateRevisionResult: { status: "COMPLETED" },
    llmEvaluation: { score: 5, overallAssessment },
    systemEvaluation: null
  }) as unknown as EvaluationRunSampleResult

const checks = (gate: RunGate.Gate) => gate.checks.map((c) => [c.name, c.threshold, c.actual, c.passed])

describe("RunGate.evaluateGate", () => {
  const samples = [sample("IMPROVED"), sample("REGRESSED"), sample("WORSE")]

  it("passes when every check passes: completed, score at the floor (a fraction of the 0–10 scale), regressions at the cap, DEPLOY", () => {
    const gate = RunGate.evaluateGate(run("COMPLETED", 8, "DEPLOY"), { failUnder: 0.8, maxRegressions: 2, requireDeploy: true }, samples)
    expect(gate.passed).toBe(true)
    expect(checks(gate)).toEqual([
      ["completed", "COMPLETED", "COMPLETED", true],
      ["fail_under", 8, 8, true],
      ["max_regressions", 2, 2, true],
      ["require_deploy", "DEPLOY", "DEPLOY", true]
    ])
    expect(RunGate.gateLine(gate)).toBe("PASS: completed ✓ (COMPLETED vs COMPLETED), fail under ✓ (8 vs 8), max regressions ✓ (2 vs 2), require deploy ✓ (DEPLOY vs DEPLOY)")
  })

  it("fails each check on its own: not completed, score under the floor (a threshold above 1 is a score), too many regressions, no DEPLOY", () => {
    const gate = RunGate.evaluateGate(run("FAILED", 7.9, "KEEP_CURRENT"), { failUnder: 8, maxRegressions: 1, requireDeploy: true }, samples)
    expect(gate.passed).toBe(false)
    expect(checks(gate)).toEqual([
      ["completed", "COMPLETED", "FAILED", false],
      ["fail_under", 8, 7.9, false],
      ["max_regressions", 1, 2, false],
      ["require_deploy", "DEPLOY", "KEEP_CURRENT", false]
    ])
    expect(RunGate.gateLine(gate)).toMatch(/^FAIL: completed ✗/)
  })

  it("with no gate asked only the run's completion counts; without samples or a score those checks fail, never pass blind", () => {
    expect(checks(RunGate.evaluateGate(run("COMPLETED", null, null), {}, undefined))).toEqual([["completed", "COMPLETED", "COMPLETED", true]])
    const blind = RunGate.evaluateGate(run("COMPLETED", null, null), { failUnder: 0.1, maxRegressions: 5 }, undefined)
    expect(checks(blind)).toEqual([
      ["completed", "COMPLETED", "COMPLETED", true],
      ["fail_under", 1, null, false],
      ["max_regressions", 5, null, false]
    ])
    expect(blind.passed).toBe(false)
  })
})
