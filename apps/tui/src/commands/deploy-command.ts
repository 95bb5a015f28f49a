/** `fruxkit deploy`: make a revision the agent's current one (asks first; --yes in scripts). */
import type { PromiseClient } from "@fruxkit/core"
import { print, printJson, type CommandContext, type CommandDefinition } from "./command.js"
import { integerFlag, requiredString } from "./command-line.js"
import { confirmOrStop, yesFlag } from "./confirmation.js"
import { CommandFailure } from "./error-report.js"
import { ExitCode, UsageError } from "./exit-codes.js"

export interface DeployResult {
  readonly agent: string
  readonly previousRevision: number
  readonly currentRevision: number
  readonly deployed: boolean
}

/** Deploy after a confirmation; shared by `deploy` and `eval --deploy-if-passed`. */
export const deployWithConfirmation = async (
  context: CommandContext,
  client: PromiseClient,
  ref: { readonly tenant: string; readonly agent: string },
  revision: number
): Promise<DeployResult> => {
  const agent = await client.getAgent(ref)
  if (agent.currentRevision === revision) {
    return { agent: ref.agent, previousRevision: revision, currentRevision: revision, deployed: false }
  }
  await confirmOrStop(
    context,
    `Deploy revision ${revision} of ${ref.agent} (now ${agent.currentRevision})?`,
    () => new CommandFailure("not deployed: the confirmation was declined", "error")
  )
  const updated = await client.deployRevision({ ...ref, revision })
  return { agent: ref.agent, previousRevision: agent.currentRevision, currentRevision: updated.currentRevision, deployed: true }
}

export const deployCommand: CommandDefinition = {
  name: "deploy",
  summary: "Make a revision the agent's current one (asks first; --yes for scripts)",
  usage: "fruxkit deploy --agent ID --revision N [--yes]",
  flags: {
    agent: { type: "string", value: "ID", description: "The agent" },
    revision: { type: "string", value: "N", check: { kind: "count", min: 1 }, description: "The revision to deploy" },
    ...yesFlag("the confirmation")
  },
  jsonShape: '{"agent", "previousRevision", "currentRevision", "deployed"} (deployed false when it already was the current one)',
  examples: [
    { command: "fruxkit deploy --agent support_bot --revision 7", says: "asks, then deploys revision 7" },
    { command: "fruxkit deploy --agent support_bot --revision 7 --yes", says: "in CI (without --yes it exits 16 and changes nothing)" }
  ],
  run: async (context) => {
    const agent = requiredString(context.values, "agent")
    const revision = integerFlag(context.values, "revision")
    if (revision === undefined) throw new UsageError("--revision is required")
    const { client, settings } = await context.open()
    const result = await deployWithConfirmation(context, client, { tenant: settings.tenant, agent }, revision)
    if (context.json) printJson(context, result)
    else
      print(
        context,
        result.deployed
          ? `deployed revision ${result.currentRevision} of ${agent} (was ${result.previousRevision})`
          : `revision ${revision} of ${agent} is already the current one: nothing changed`
      )
    return ExitCode.Ok
  }
}
