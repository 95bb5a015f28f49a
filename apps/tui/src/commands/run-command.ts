/** `fruxkit run RUN`: one evaluation run's summary and gate (optionally waiting for it, and its per-sample table). */
import { isTerminalRunStatus } from "@fruxkit/core"
import { resolveDatasets, type CommandDefinition } from "./command.js"
import { durationFlag, requiredString, stringFlag } from "./command-line.js"
import { UsageError } from "./exit-codes.js"
import { GATE_JSON_SHAPE, asksForGate, gateFlags, gateOptionsFrom } from "./gate.js"
import { resolveRunId } from "./run-id.js"
import { finishRun, reportFlags } from "./run-outcome.js"
import { waitForRun } from "./wait-for-run.js"

export const runCommand: CommandDefinition = {
  name: "run",
  summary: "Show one evaluation run: summary, gate, and with --samples the per-sample table",
  usage: "fruxkit run --agent ID RUN [--samples] [--wait] [--fail-under 0.8] [--max-regressions N] [--require-deploy]",
  args: [{ name: "RUN", required: false, description: "The evaluation run: its id or a unique prefix (or --id)" }],
  flags: {
    agent: { type: "string", value: "ID", description: "The agent" },
    id: { type: "string", value: "RUN", description: "The evaluation run (or give it as the argument)" },
    samples: { type: "boolean", description: "Also list the per-sample results (lowest score first; JSON: \"samples\")" },
    wait: { type: "boolean", description: "Wait for the run to end first" },
    ...gateFlags,
    ...reportFlags,
    timeout: { type: "string", value: "DURATION", check: { kind: "duration" }, default: "30m", description: "With --wait: give up after this long" }
  },
  jsonShape: `${GATE_JSON_SHAPE}, plus "samples": EvaluationRunSampleResult[] with --samples (else null)`,
  examples: [
    { command: "fruxkit run --agent support_bot 3f2a9c1e --samples", says: "a run by its short id, with the per-sample table" },
    { command: "fruxkit run --agent support_bot 3f2a9c1e --max-regressions 0 -o json | jq .gate", says: "gate an existing run" },
    { command: "fruxkit run --agent support_bot 3f2a9c1e -o csv > samples.csv", says: "the per-sample table as CSV" },
    { command: "fruxkit run --agent support_bot 3f2a9c1e --junit results.xml --markdown comment.md", says: "reports for CI and a pull-request comment" }
  ],
  run: async (context) => {
    const agent = requiredString(context.values, "agent")
    const typed = stringFlag(context.values, "id") ?? context.positionals[0]
    if (!typed) throw new UsageError("the run is required: fruxkit run --agent ID RUN")
    if (stringFlag(context.values, "id") && context.positionals[0]) throw new UsageError("give the run once: as the argument or as --id")
    const gate = gateOptionsFrom(context.values)
    const wait = context.values.wait === true || asksForGate(gate)
    const timeoutMs = durationFlag(context.values, "timeout")
    const { client, settings } = await context.open()
    const id = await resolveRunId(client, { tenant: settings.tenant, agent }, typed)
    const ref = { tenant: settings.tenant, agent, evaluationRun: id }
    let run = await client.getEvaluationRun(ref)
    if (wait && !isTerminalRunStatus(run.status)) {
      run = await waitForRun(client, context, ref, { initial: run, timeoutMs, embedded: settings.mode === "embedded" })
    }
    const datasetName = run.datasetId ? await datasetNameOf(client, { tenant: settings.tenant, agent }, run.datasetId) : undefined
    const { exitCode } = await finishRun(context, client, ref, run, {
      gate,
      judged: wait,
      showSamples: context.values.samples === true,
      datasetName
    })
    return exitCode
  }
}

/** The dataset's name for the summary; a server without fruxkit's dataset listing leaves the id. */
const datasetNameOf = async (
  client: Parameters<typeof resolveDatasets>[0],
  ref: { readonly tenant: string; readonly agent: string },
  datasetId: string
): Promise<string | undefined> => {
  try {
    return (await client.listDatasets(ref)).find((d) => d.id === datasetId)?.name
  } catch {
    return undefined
  }
}
