/**
 * `fruxkit compare --agent A RUN_A RUN_B`: two runs of the same dataset joined
 * per sample (core's RunComparison): both scores and assessments, the delta,
 * which flipped, and improved / regressed / unchanged counts.
 */
import { RunComparison, type EvaluationRunSampleResult, type PromiseClient } from "@fruxkit/core"
import { print, printJson, type CommandDefinition } from "./command.js"
import { requiredString } from "./command-line.js"
import { ExitCode } from "./exit-codes.js"
import { resolveRunId } from "./run-id.js"
import { facts, table } from "./tables.js"
import { csvLine } from "./samples-csv.js"
import { formatScore, shortId } from "../format-units.js"

const collect = async <T>(items: AsyncIterable<T>): Promise<Array<T>> => {
  const out: Array<T> = []
  for await (const item of items) out.push(item)
  return out
}

const load = async (client: PromiseClient, ref: { tenant: string; agent: string }, id: string) => {
  const runRef = { ...ref, evaluationRun: id }
  const [run, samples] = await Promise.all([client.getEvaluationRun(runRef), collect<EvaluationRunSampleResult>(client.listEvaluationRunSamples(runRef))])
  return { run, samples }
}

const signed = (value: number | null): string => (value === null ? "—" : `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(2)}`)

export const compareCommand: CommandDefinition = {
  name: "compare",
  summary: "Compare two evaluation runs of the same dataset, sample by sample",
  usage: "fruxkit compare --agent ID RUN_A RUN_B",
  args: [
    { name: "RUN_A", required: true, description: "The base run (id or unique prefix)" },
    { name: "RUN_B", required: true, description: "The head run, compared against RUN_A (id or unique prefix)" }
  ],
  flags: { agent: { type: "string", value: "ID", description: "The agent" } },
  jsonShape:
    '{"base": {id, status, score, candidateRevision, …}, "head": {…}, "summary": {improved, regressed, unchanged, onlyInBase, onlyInHead, flipped, scoreDelta, sameDataset}, "samples": [{"sampleId", "base", "head", "delta", "flipped", "change"}]}',
  examples: [
    { command: "fruxkit compare --agent support_bot 3f2a9c1e 8b0d4e77", says: "what changed between two runs" },
    { command: "fruxkit compare --agent support_bot 3f2a9c1e 8b0d4e77 -o json | jq '.samples[] | select(.flipped)'", says: "only the samples that flipped" }
  ],
  run: async (context) => {
    const agent = requiredString(context.values, "agent")
    const [typedA, typedB] = context.positionals as [string, string]
    const { client, settings } = await context.open()
    const ref = { tenant: settings.tenant, agent }
    const [idA, idB] = await Promise.all([resolveRunId(client, ref, typedA), resolveRunId(client, ref, typedB)])
    const [base, head] = await Promise.all([load(client, ref, idA), load(client, ref, idB)])
    const comparison = RunComparison.compareRuns(base, head)
    const { summary } = comparison
    switch (context.output.format) {
      case "json":
        printJson(context, comparison)
        break
      case "ndjson":
        for (const sample of comparison.samples) print(context, JSON.stringify({ type: "sample", ...sample }))
        print(context, JSON.stringify({ type: "summary", base: comparison.base, head: comparison.head, summary }))
        break
      case "csv":
        print(
          context,
          [
            csvLine(["sample_id", "base_index", "base_score", "base_assessment", "head_score", "head_assessment", "delta", "flipped", "change"]),
            ...comparison.samples.map((s) =>
              csvLine([s.sampleId, s.base?.sampleIndex ?? s.head?.sampleIndex, s.base?.score, s.base?.assessment, s.head?.score, s.head?.assessment, s.delta, s.flipped, s.change])
            )
          ].join("\n")
        )
        break
      case "table": {
        const side = (s: typeof comparison.base) =>
          `${shortId(s.id)}  ${s.status}  score ${formatScore(s.score)}  ${s.candidateRevision !== null ? `rev ${s.candidateRevision}` : "external"}  ${s.regressions} regressed`
        print(
          context,
          facts([
            ["base", side(comparison.base)],
            ["head", side(comparison.head)],
            ["score", signed(summary.scoreDelta)],
            ["samples", `${summary.improved} improved · ${summary.regressed} regressed · ${summary.unchanged} unchanged · ${summary.flipped} flipped`],
            ...(summary.onlyInBase + summary.onlyInHead > 0 ? ([["unmatched", `${summary.onlyInBase} only in base, ${summary.onlyInHead} only in head`]] as const) : []),
            ...(!summary.sameDataset ? ([["warning", "the runs are of different datasets: only samples in both are compared"]] as const) : [])
          ])
        )
        print(
          context,
          `\n${table(
            ["#", "base", "head", "Δ", "change", "flipped"],
            comparison.samples.map((s) => [
              String(s.head?.sampleIndex ?? s.base?.sampleIndex ?? "—"),
              s.base ? `${formatScore(s.base.score)} ${s.base.assessment ?? ""}`.trim() : "—",
              s.head ? `${formatScore(s.head.score)} ${s.head.assessment ?? ""}`.trim() : "—",
              signed(s.delta),
              s.change.replace(/_/g, " "),
              s.flipped ? "yes" : ""
            ])
          )}`
        )
        break
      }
    }
    return ExitCode.Ok
  }
}
