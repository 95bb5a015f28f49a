/** `fruxkit run`: one evaluation run's summary (optionally waiting for it, and its per-sample table). */
import { isTerminalRunStatus } from "@fruxkit/core"
import { print, printJson, type CommandDefinition } from "./command.js"
import { durationFlag, numberFlag, requiredString, stringFlag } from "./command-line.js"
import { ExitCode, UsageError } from "./exit-codes.js"
import { runSummaryText, samplesTableText, verdictOf } from "./run-summary.js"
import { waitForRun } from "./wait-for-run.js"

export const runCommand: CommandDefinition = {
  name: "run",
  summary: "Show one evaluation run: summary, and with --samples the per-sample table",
  usage: "fruxkit run --agent ID --id RUN [--samples] [--wait] [--fail-under 0.8]",
  flags: {
    agent: { type: "string", value: "ID", description: "The agent" },
    id: { type: "string", value: "RUN", description: "The evaluation run (or give it as the argument)" },
    samples: { type: "boolean", description: "Also list the per-sample results (lowest score first)" },
    wait: { type: "boolean", description: "Wait for the run to end first" },
    "fail-under": { type: "string", value: "SCORE", description: "Exit 1 when the score is below SCORE: 0–1 is a fraction of the judge's 0–10 scale, above 1 a score (implies --wait)" },
    timeout: { type: "string", value: "DURATION", description: "With --wait: give up after this long (default 30m)" }
  },
  run: async (context) => {
    const agent = requiredString(context.values, "agent")
    const id = stringFlag(context.values, "id") ?? context.positionals[0]
    if (!id) throw new UsageError("--id is required (the evaluation run)")
    const failUnder = numberFlag(context.values, "fail-under")
    const wait = context.values.wait === true || failUnder !== undefined
    const timeoutMs = durationFlag(context.values, "timeout")
    const { client, settings } = await context.open()
    const ref = { tenant: settings.tenant, agent, evaluationRun: id }
    let run = await client.getEvaluationRun(ref)
    if (wait && !isTerminalRunStatus(run.status)) run = await waitForRun(client, context, ref, { initial: run, timeoutMs })
    const samples = context.values.samples === true && isTerminalRunStatus(run.status) ? await collect(client.listEvaluationRunSamples(ref)) : undefined
    if (context.json) printJson(context, samples ? { run, samples } : run)
    else {
      print(context, runSummaryText(run, { failUnder }))
      if (samples) print(context, `\n${samplesTableText(samples)}`)
    }
    if (!wait) return ExitCode.Ok
    const verdict = verdictOf(run, failUnder)
    return verdict === "pass" || verdict === "unjudged" ? ExitCode.Ok : ExitCode.Failed
  }
}

const collect = async <T>(items: AsyncIterable<T>): Promise<Array<T>> => {
  const out: Array<T> = []
  for await (const item of items) out.push(item)
  return out
}
