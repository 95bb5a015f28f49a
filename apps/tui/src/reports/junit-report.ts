/**
 * `--junit FILE`: the run as JUnit XML, the format CI systems read for test
 * results. One <testsuite> per run; the gate is its first <testcase> (failed
 * when a gate failed); then one <testcase> per sample, named by its index,
 * id and the first text of its input, failed when the candidate regressed on
 * it (core's RunComparison.isRegression), with score, runtime and cost as
 * properties.
 */
import { RunComparison, RunGate, type EvaluationRun, type EvaluationRunSampleResult } from "@fruxkit/core"
import { firstInputText } from "./sample-input.js"

/** Text as XML: escaped, and without the control characters XML 1.0 cannot hold. */
export const xmlText = (value: string | number | boolean | null | undefined): string =>
  String(value ?? "")
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")

const property = (name: string, value: string | number | null | undefined): string =>
  value === null || value === undefined ? "" : `      <property name="${xmlText(name)}" value="${xmlText(value)}"/>\n`

const seconds = (ms: number | undefined): string => ((ms ?? 0) / 1000).toFixed(3)

export const junitReport = (options: {
  readonly agent: string
  readonly run: EvaluationRun
  readonly gate: RunGate.Gate
  readonly samples: ReadonlyArray<EvaluationRunSampleResult>
  readonly datasetName?: string | undefined
}): string => {
  const { run, gate, samples } = options
  const ordered = [...samples].sort((a, b) => a.sampleIndex - b.sampleIndex)
  const regressions = ordered.filter(RunComparison.isRegression)
  const failures = regressions.length + (gate.passed ? 0 : 1)
  const tests = ordered.length + 1
  const elapsed = run.completedAt > 0 && run.startedAt > 0 ? run.completedAt - run.startedAt : 0
  const failedChecks = gate.checks.filter((c) => !c.passed)
  const gateCase = [
    `    <testcase classname="fruxkit.${xmlText(options.agent)}.gate" name="gate" time="0">\n`,
    ...(gate.passed
      ? []
      : [
          `      <failure type="gate_failed" message="${xmlText(failedChecks.map((c) => c.name).join(", "))}">${xmlText(
            failedChecks.map((c) => `${c.name}: ${c.actual ?? "—"} (threshold ${c.threshold})`).join("\n")
          )}</failure>\n`
        ]),
    "    </testcase>\n"
  ].join("")
  const sampleCases = ordered.map((s) => {
    const input = firstInputText(s.parameters)
    const name = `#${s.sampleIndex} ${s.sampleId}${input ? ` ${input}` : ""}`
    const system = s.systemEvaluation
    const properties =
      property("score", s.llmEvaluation?.score) +
      property("assessment", s.llmEvaluation?.overallAssessment) +
      property("candidate_runtime_ms", system?.candidateRuntimeMs) +
      property("base_runtime_ms", system?.baseRuntimeMs) +
      property("candidate_cost", system?.candidateCost) +
      property("base_cost", system?.baseCost)
    const failure = RunComparison.isRegression(s)
      ? `      <failure type="regression" message="${xmlText(`regressed: ${s.llmEvaluation?.overallAssessment ?? s.candidateRevisionResult?.status ?? "candidate failed"}`)}">${xmlText(
          s.llmEvaluation?.summary ?? ""
        )}</failure>\n`
      : ""
    return `    <testcase classname="fruxkit.${xmlText(options.agent)}.samples" name="${xmlText(name)}" time="${seconds(system?.candidateRuntimeMs)}">\n      <properties>\n${properties}      </properties>\n${failure}    </testcase>\n`
  })
  const suiteProperties =
    property("run", run.id) +
    property("status", run.status) +
    property("score", run.score) +
    property("recommendation", run.deploymentRecommendation) +
    property("candidate_revision", run.candidateRevision) +
    property("deployed_revision", run.deployedRevision) +
    property("dataset", options.datasetName ?? run.datasetId)
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="fruxkit" tests="${tests}" failures="${failures}" errors="0" time="${seconds(elapsed)}">\n` +
    `  <testsuite name="fruxkit ${xmlText(options.agent)} run ${xmlText(run.id)}" tests="${tests}" failures="${failures}" errors="0" skipped="0" time="${seconds(elapsed)}"${run.createdAt > 0 ? ` timestamp="${new Date(run.createdAt).toISOString().slice(0, 19)}"` : ""}>\n` +
    `    <properties>\n${suiteProperties.replace(/^ {6}/gm, "      ")}    </properties>\n` +
    gateCase +
    sampleCases.join("") +
    `  </testsuite>\n</testsuites>\n`
  )
}
