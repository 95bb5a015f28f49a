/**
 * How `eval --wait` and `run` end: read the samples when something needs them
 * (a regression gate, --samples, csv), judge the gates, print one shape —
 * `{"run", "gate", "samples"}` as JSON, a `done` event as NDJSON, the summary
 * as a table, the per-sample rows as CSV — and answer the exit code.
 */
import { RunGate, isTerminalRunStatus, type EvaluationRun, type EvaluationRunSampleResult, type PromiseClient } from "@fruxkit/core"
import { print, printJson, type CommandContext } from "./command.js"
import { ExitCode } from "./exit-codes.js"
import { asksForGate, needsSamples } from "./gate.js"
import { runSummaryText, samplesTableText } from "./run-summary.js"
import { samplesCsv } from "./samples-csv.js"
import { stringFlag, type Flags } from "./command-line.js"
import { CommandFailure } from "./error-report.js"
import { junitReport } from "../reports/junit-report.js"
import { markdownReport } from "../reports/markdown-report.js"
import { writeFileSync } from "node:fs"

export const reportFlags = {
  junit: { type: "string", value: "FILE", description: "Also write the run as JUnit XML (a test case per sample, the gate as one)" },
  markdown: { type: "string", value: "FILE", description: "Also write a pull-request comment in Markdown (≤ 65,536 characters)" }
} as const satisfies Flags

export interface RunOutcome {
  readonly run: EvaluationRun
  readonly gate: RunGate.Gate
  readonly samples: ReadonlyArray<EvaluationRunSampleResult> | null
}

const collect = async <T>(items: AsyncIterable<T>): Promise<Array<T>> => {
  const out: Array<T> = []
  for await (const item of items) out.push(item)
  return out
}

/** The terminal's width for tables: the stream's columns, else COLUMNS, else 100. */
export const outputWidth = (context: CommandContext): number => {
  const columns = (context.stdout as { columns?: number }).columns
  const fromEnv = Number(context.env.COLUMNS)
  return columns && columns > 0 ? columns : Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 100
}

export const finishRun = async (
  context: CommandContext,
  client: PromiseClient,
  ref: { readonly tenant: string; readonly agent: string; readonly evaluationRun: string },
  run: EvaluationRun,
  options: {
    readonly gate: RunGate.GateOptions
    /** Waited for the run, or gates asked: the outcome decides the exit code. */
    readonly judged: boolean
    readonly showSamples: boolean
    readonly datasetName?: string | undefined
    /**
     * Runs once the gate is known (eval's --deploy-if-passed): before JSON is
     * printed, so its answer is part of it; after the table, so a person reads
     * the summary before being asked.
     */
    readonly afterGate?: (gate: RunGate.Gate) => Promise<Readonly<Record<string, unknown>>>
  }
): Promise<{ outcome: RunOutcome; exitCode: ExitCode }> => {
  const format = context.output.format
  const junitFile = stringFlag(context.values, "junit")
  const markdownFile = stringFlag(context.values, "markdown")
  const wantSamples = needsSamples(options.gate) || options.showSamples || format === "csv" || junitFile !== undefined || markdownFile !== undefined
  const samples = wantSamples && isTerminalRunStatus(run.status) ? await collect(client.listEvaluationRunSamples(ref)) : null
  const gate = RunGate.evaluateGate(run, options.gate, samples ?? undefined)
  const outcome: RunOutcome = { run, gate, samples: options.showSamples ? samples : null }
  const report = { agent: ref.agent, run, gate, samples: samples ?? [], datasetName: options.datasetName }
  try {
    if (junitFile !== undefined) writeFileSync(junitFile, junitReport(report))
    if (markdownFile !== undefined) writeFileSync(markdownFile, markdownReport(report))
  } catch (error) {
    throw new CommandFailure(`could not write the report: ${error instanceof Error ? error.message : String(error)}`)
  }
  const extra = (format === "json" || format === "ndjson") && options.afterGate ? await options.afterGate(gate) : {}
  switch (format) {
    case "json":
      printJson(context, { ...outcome, ...extra })
      break
    case "ndjson":
      print(context, JSON.stringify({ type: "done", ...outcome, ...extra }))
      break
    case "csv":
      print(context, samplesCsv(samples ?? []))
      if (options.afterGate) await options.afterGate(gate)
      break
    case "table":
      print(context, runSummaryText(run, { gate: options.judged || asksForGate(options.gate) ? gate : undefined, datasetName: options.datasetName }))
      if (options.showSamples && samples) print(context, `\n${samplesTableText(samples, outputWidth(context))}`)
      if (options.afterGate) await options.afterGate(gate)
      break
  }
  const judged = options.judged || asksForGate(options.gate)
  return { outcome, exitCode: judged && !gate.passed ? ExitCode.GateFailed : ExitCode.Ok }
}
