/**
 * The decision on a finished run: every gate asked for (`--fail-under`,
 * `--max-regressions`, `--require-deploy`) plus "the run completed", each a
 * check with its threshold and the actual value. Any failed check → exit 1
 * (`gate_failed`). `eval --wait` and `run` print `{"run", "gate"}` with it.
 */
import { RunComparison, type EvaluationRun, type EvaluationRunSampleResult } from "@fruxkit/core"
import { numberFlag, integerFlag, type Flags, type ParsedValues } from "./command-line.js"

/**
 * The judge scores 0–10 (the embedded backend's judge; the contract does not
 * state a scale, so this is our reading, kept here only). `--fail-under 0.8`
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

export const gateFlags = {
  "fail-under": {
    type: "string",
    value: "SCORE",
    check: { kind: "number", min: 0, max: JUDGE_SCORE_SCALE },
    description: "Gate: the score must be at least SCORE (0–1: a fraction of the judge's 0–10 scale; above 1: a score). Implies --wait"
  },
  "max-regressions": {
    type: "string",
    value: "N",
    check: { kind: "count", min: 0 },
    description: "Gate: at most N samples may regress. Implies --wait"
  },
  "require-deploy": { type: "boolean", description: "Gate: the recommendation must be DEPLOY. Implies --wait" }
} as const satisfies Flags

export const gateOptionsFrom = (values: ParsedValues): GateOptions => ({
  failUnder: numberFlag(values, "fail-under"),
  maxRegressions: integerFlag(values, "max-regressions"),
  requireDeploy: values["require-deploy"] === true
})

export const asksForGate = (options: GateOptions): boolean =>
  options.failUnder !== undefined || options.maxRegressions !== undefined || options.requireDeploy === true

/** Samples are needed only to count regressions. */
export const needsSamples = (options: GateOptions): boolean => options.maxRegressions !== undefined

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
    const regressions = samples ? samples.filter(RunComparison.isRegression).length : null
    checks.push({ name: "max_regressions", threshold: options.maxRegressions, actual: regressions, passed: regressions !== null && regressions <= options.maxRegressions })
  }
  if (options.requireDeploy) {
    const recommendation = run.deploymentRecommendation
    checks.push({ name: "require_deploy", threshold: "DEPLOY", actual: recommendation, passed: recommendation?.toUpperCase() === "DEPLOY" })
  }
  return { passed: checks.every((c) => c.passed), checks }
}

export const GATE_JSON_SHAPE = '{"run": EvaluationRun, "gate": {"passed": bool, "checks": [{"name", "threshold", "actual", "passed"}]}}'

export const gateLine = (gate: Gate): string =>
  `${gate.passed ? "PASS" : "FAIL"}: ${gate.checks
    .map((c) => `${c.name.replace(/_/g, " ")} ${c.passed ? "✓" : "✗"} (${c.actual ?? "—"} vs ${c.threshold})`)
    .join(", ")}`

