/** `fruxkit cancel`: stop a running evaluation (409, exit 13, when it already ended). */
import { print, printJson, type CommandDefinition } from "./command.js"
import { requiredString } from "./command-line.js"
import { ExitCode, UsageError } from "./exit-codes.js"
import { resolveRunId } from "./run-id.js"

export const cancelCommand: CommandDefinition = {
  name: "cancel",
  summary: "Cancel a running evaluation run",
  usage: "fruxkit cancel --agent ID RUN",
  args: [{ name: "RUN", required: true, description: "The evaluation run: its id or a unique prefix" }],
  flags: { agent: { type: "string", value: "ID", description: "The agent" } },
  jsonShape: "EvaluationRun (read again after the cancel)",
  examples: [{ command: "fruxkit cancel --agent support_bot 3f2a9c1e", says: "cancel a run by its short id (exit 13 when it already ended)" }],
  run: async (context) => {
    const agent = requiredString(context.values, "agent")
    const typed = context.positionals[0]
    if (!typed) throw new UsageError("the run is required: fruxkit cancel --agent ID RUN")
    const { client, settings } = await context.open()
    const id = await resolveRunId(client, { tenant: settings.tenant, agent }, typed)
    const ref = { tenant: settings.tenant, agent, evaluationRun: id }
    await client.cancelEvaluationRun(ref)
    const run = await client.getEvaluationRun(ref)
    if (context.json) printJson(context, run)
    else print(context, `run ${run.id}: ${run.status}`)
    return ExitCode.Ok
  }
}
