/**
 * `--markdown FILE`: the run as a pull-request comment. A verdict line, the
 * score and recommendation, the gate's checks, the assessment and score
 * distributions, runtime and cost base vs candidate, and the top regressions
 * with a short excerpt of both outputs. GitHub refuses comments over 65,536
 * characters, so fewer regressions (then shorter excerpts) are shown until it
 * fits, whatever the size of the run.
 */
import { candidateLabel } from "../commands/run-summary.js"
import { RunComparison, RunGate, type EvaluationRun, type EvaluationRunSampleResult } from "@fruxkit/core"
import { formatCost, formatDuration, formatScore, oneLine } from "../format-units.js"
import { firstInputText } from "./sample-input.js"

export const MARKDOWN_LIMIT = 65_536

/** A table cell: one line, no pipe that would end the cell. */
const cell = (value: string): string => oneLine(value).replace(/\|/g, "\\|")

const excerpt = (text: string | undefined, max: number): string => {
  const flat = oneLine(text ?? "")
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`
}

/** Text inside a fenced block cannot close the fence. */
const fenced = (text: string): string => `\`\`\`text\n${text.replace(/```/g, "ʼʼʼ")}\n\`\`\``

export interface MarkdownInput {
  readonly agent: string
  readonly run: EvaluationRun
  readonly gate: RunGate.Gate
  readonly samples: ReadonlyArray<EvaluationRunSampleResult>
  readonly datasetName?: string | undefined
}

const render = (input: MarkdownInput, shown: number, excerptLength: number): string => {
  const { run, gate, samples } = input
  const regressions = samples.filter(RunComparison.isRegression).sort((a, b) => (a.llmEvaluation?.score ?? -1) - (b.llmEvaluation?.score ?? -1))
  const candidate = run.candidateRevision === null && run.candidateSnapshotSeqNo === null ? "an external candidate" : candidateLabel(run)
  const failed = gate.checks.filter((c) => !c.passed).map((c) => c.name.replace(/_/g, " "))
  const verdict = gate.passed ? `✅ **PASS** — ${candidate} passed every gate` : `❌ **FAIL** — ${candidate} failed: ${failed.join(", ")}`
  const lines: Array<string> = [
    `### fruxkit: ${input.agent}`,
    "",
    verdict,
    "",
    `Run \`${run.id}\` · dataset ${input.datasetName ?? run.datasetId ?? "all datasets"} · ${candidate} against deployed revision ${run.deployedRevision ?? "—"} · status ${run.status}`,
    "",
    "| | |",
    "| --- | --- |",
    `| score | ${formatScore(run.score)} of ${RunGate.JUDGE_SCORE_SCALE} |`,
    `| recommendation | ${cell(run.deploymentRecommendation ?? "—")} |`,
    `| samples | ${samples.length} (${regressions.length} regressed) |`,
    "",
    "| gate check | threshold | actual | |",
    "| --- | --- | --- | --- |",
    ...gate.checks.map((c) => `| ${c.name.replace(/_/g, " ")} | ${cell(String(c.threshold))} | ${cell(String(c.actual ?? "—"))} | ${c.passed ? "✅" : "❌"} |`)
  ]
  const summary = run.summary
  if (summary) {
    const assessments = Object.entries(summary.assessmentDistribution)
    const scores = Object.entries(summary.scoreDistribution)
    if (assessments.length > 0 || scores.length > 0) {
      lines.push("", "| distribution | samples |", "| --- | --- |")
      for (const [name, count] of assessments) lines.push(`| ${cell(name)} | ${count} |`)
      for (const [bucket, count] of scores) lines.push(`| score ${cell(bucket)} | ${count} |`)
    }
    if (summary.runtime || summary.cost) {
      lines.push("", "| | base | candidate |", "| --- | --- | --- |")
      if (summary.runtime) {
        lines.push(`| runtime total | ${formatDuration(summary.runtime.totalBaseMs)} | ${formatDuration(summary.runtime.totalCandidateMs)} |`)
        lines.push(`| runtime avg | ${formatDuration(summary.runtime.averageBaseMs)} | ${formatDuration(summary.runtime.averageCandidateMs)} |`)
      }
      if (summary.cost) {
        lines.push(`| cost total | ${formatCost(summary.cost.totalBase)} | ${formatCost(summary.cost.totalCandidate)} |`)
        lines.push(`| cost avg | ${formatCost(summary.cost.averageBase)} | ${formatCost(summary.cost.averageCandidate)} |`)
      }
    }
  }
  if (regressions.length > 0) {
    lines.push("", `#### Top regressions (${Math.min(shown, regressions.length)} of ${regressions.length})`)
    for (const s of regressions.slice(0, shown)) {
      const input = firstInputText(s.parameters, excerptLength)
      lines.push(
        "",
        `<details><summary>#${s.sampleIndex} · score ${formatScore(s.llmEvaluation?.score)} · ${cell(s.llmEvaluation?.overallAssessment ?? "—")}${input ? ` · ${cell(input)}` : ""}</summary>`,
        "",
        excerpt(s.llmEvaluation?.summary, excerptLength * 2),
        "",
        "base:",
        fenced(excerpt(s.baseRevisionResult?.response, excerptLength)),
        "candidate:",
        fenced(excerpt(s.candidateRevisionResult?.response || s.candidateRevisionResult?.status, excerptLength)),
        "",
        "</details>"
      )
    }
  }
  return `${lines.join("\n")}\n`
}

export const markdownReport = (input: MarkdownInput): string => {
  for (const excerptLength of [240, 120, 60]) {
    for (let shown = 10; shown >= 0; shown = shown > 3 ? shown - 3 : shown - 1) {
      const text = render(input, shown, excerptLength)
      if (text.length <= MARKDOWN_LIMIT) return text
    }
  }
  // Only a pathological table (thousands of distribution rows) gets here: cut it, and say so.
  const note = "\n\n…(cut to fit GitHub's 65,536-character limit)\n"
  return render(input, 0, 60).slice(0, MARKDOWN_LIMIT - note.length) + note
}
