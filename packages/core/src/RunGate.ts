/**
 * The gate verdict on a finished run: every gate asked for (a score floor, a
 * most-regressions count, a DEPLOY recommendation) plus "the run completed",
 * each a check with its threshold and the actual value; the run passes when
 * every check does. Pure over the run and its sample results, so the CLI's
 * exit code and the viewer's run page read the same decision.
 */
import type { EvaluationRun, EvaluationRunSampleResult } from "./schema/EvaluationRun.js"
import { isRegression } from "./RunComparison.js"

/**
 * The judge scores 0–10 (the embedded backend's judge; the contract does not
 * state a scale, so this is our reading, kept here only). A `failUnder` of 0.8
 * is a fraction of that scale (8.0); a threshold above 1 is a score as is.
 */
export const JUDGE_SCORE_SCALE = 10

export const thresholdScore = (failUnder: number): number => (failUnder <= 1 ? failUnder * JUDGE_SCORE_SCALE : failUnder)

export interface GateOptions {
  readonly failUnder?: number | undefined
  readonly maxRegressions?: number | undefined
  readonly requireDeploy?: boolean | undefined
}

export interface GateCheck {
  readonly name: "completed" | "fail_under" | "max_regressions" | "require_deploy"
  readonly threshold: number | string
  readonly actual: number | string | null
  readonly passed: boolean
}

export interface Gate {
  readonly passed: boolean
  readonly checks: ReadonlyArray<GateCheck>
}

/** Samples are read only to count regressions: without them that check fails (actual `null`), it never passes blind. */
export const evaluateGate = (
  run: EvaluationRun,
  options: GateOptions,
  samples: ReadonlyArray<EvaluationRunSampleResult> | undefined
): Gate => {
  const checks: Array<GateCheck> = [{ name: "completed", threshold: "COMPLETED", actual: run.status, passed: run.status === "COMPLETED" }]
  if (options.failUnder !== undefined) {
    const threshold = thresholdScore(options.failUnder)
    checks.push({ name: "fail_under", threshold, actual: run.score, passed: run.score !== null && run.score >= threshold })
  }
  if (options.maxRegressions !== undefined) {
    const regressions = samples ? samples.filter(isRegression).length : null
    checks.push({ name: "max_regressions", threshold: options.maxRegressions, actual: regressions, passed: regressions !== null && regressions <= options.maxRegressions })
  }
  if (options.requireDeploy) {
    const recommendation = run.deploymentRecommendation
    checks.push({ name: "require_deploy", threshold: "DEPLOY", actual: recommendation, passed: recommendation?.toUpperCase() === "DEPLOY" })
  }
  return { passed: checks.every((c) => c.passed), checks }
}

/** One line: `PASS: completed ✓ (COMPLETED vs COMPLETED), fail under ✗ (7.5 vs 8)`. */
export const gateLine = (gate: Gate): string =>
  `${gate.passed ? "PASS" : "FAIL"}: ${gate.checks
    .map((c) => `${c.name.replace(/_/g, " ")} ${c.passed ? "✓" : "✗"} (${c.actual ?? "—"} vs ${c.threshold})`)
    .join(", ")}`
