/**
 * The gate flags (`--fail-under`, `--max-regressions`, `--require-deploy`) and
 * how they become core's `RunGate.GateOptions`; the decision itself is core's
 * `RunGate.evaluateGate` (the viewer's run page shows the same one). Any failed
 * check → exit 1 (`gate_failed`). `eval --wait` and `run` print `{"run", "gate"}`.
 */
import { RunGate } from "@fruxkit/core"
import { numberFlag, integerFlag, type Flags, type ParsedValues } from "./command-line.js"

export const gateFlags = {
  "fail-under": {
    type: "string",
    value: "SCORE",
    check: { kind: "number", min: 0, max: RunGate.JUDGE_SCORE_SCALE },
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

export const gateOptionsFrom = (values: ParsedValues): RunGate.GateOptions => ({
  failUnder: numberFlag(values, "fail-under"),
  maxRegressions: integerFlag(values, "max-regressions"),
  requireDeploy: values["require-deploy"] === true
})

export const asksForGate = (options: RunGate.GateOptions): boolean =>
  options.failUnder !== undefined || options.maxRegressions !== undefined || options.requireDeploy === true

/** Samples are needed only to count regressions. */
export const needsSamples = (options: RunGate.GateOptions): boolean => options.maxRegressions !== undefined

export const GATE_JSON_SHAPE = '{"run": EvaluationRun, "gate": {"passed": bool, "checks": [{"name", "threshold", "actual", "passed"}]}}'
