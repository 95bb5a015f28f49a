/**
 * `fruxkit revisions create`: save a draft head as a new revision (not
 * current until deployed), and with `--deploy` make it current after a
 * confirmation (`--yes` without a terminal; else exit 16 before anything
 * is created). The head is named by a draft file (its recorded version
 * guards it: a file changed since its last push must be pushed first), by
 * `--version`, or is the server's current head.
 */
import { CommandFailure, print, printJson, type CommandDefinition } from "./command.js"
import { integerFlag, stringFlag } from "./command-line.js"
import { confirmOrStop, yesFlag } from "./confirmation.js"
import { ExitCode, UsageError } from "./exit-codes.js"
import { fileFlag, withDraftErrors } from "./draft-file-commands.js"
import { newestRevision, readFileState } from "../draft/draft-sync.js"

export const revisionsCreateCommand: CommandDefinition = {
  name: "revisions create",
  summary: "Save the draft head as a new revision; --deploy makes it the current one (asks first)",
  usage: "fruxkit revisions create (--agent ID [--revision N] [--version V] | -f agent.json) [--comment TEXT] [--deploy --yes]",
  flags: {
    agent: { type: "string", value: "ID", description: "The agent (its draft's current head, or --version)" },
    revision: { type: "string", value: "N", check: { kind: "count", min: 0 }, description: "With --agent: the draft's base revision (default: the newest)" },
    version: { type: "string", value: "V", check: { kind: "count", min: 1 }, description: "With --agent: the draft version to save; a head that moved on is exit 13" },
    ...fileFlag,
    comment: { type: "string", value: "TEXT", description: "The revision's comment" },
    deploy: { type: "boolean", description: "Then deploy it: the agent's current revision changes" },
    ...yesFlag("the --deploy question")
  },
  jsonShape: "{revision: AgentRevision, agent?: Agent (after --deploy)}",
  run: withDraftErrors(async (context) => {
    const agentFlag = stringFlag(context.values, "agent")
    const file = stringFlag(context.values, "file")
    if ((agentFlag === undefined) === (file === undefined)) throw new UsageError("name the draft once: --agent ID or -f FILE")
    const deploy = context.values.deploy === true
    const { client, settings } = await context.open()
    const tenant = settings.tenant
    let agent: string
    let baseRevision: number
    let version: number | undefined
    if (file !== undefined) {
      const state = await readFileState(file)
      if (state.changed || state.sidecar?.version == null) {
        throw new UsageError(`${file} changed since it was last pushed (or never was): run fruxkit draft push -f ${file} first`)
      }
      ;({ agent, baseRevision } = state.content)
      version = state.sidecar.version
    } else {
      agent = agentFlag!
      baseRevision = integerFlag(context.values, "revision") ?? (await newestRevision(client, tenant, agent))
      version = integerFlag(context.values, "version")
    }
    // Ask before creating anything: a refused deploy should not leave a revision behind.
    if (deploy) {
      await confirmOrStop(
        context,
        `Create a revision from the draft of ${agent} revision ${baseRevision} and deploy it?`,
        () => new CommandFailure("not confirmed: nothing was created", "error")
      )
    }
    let created
    try {
      created = await client.createRevision({
        tenant,
        agent,
        body: {
          ...(stringFlag(context.values, "comment") !== undefined ? { comment: stringFlag(context.values, "comment")! } : {}),
          fromDraft: { baseRevision, ...(version !== undefined ? { version } : {}) }
        }
      })
    } catch (error) {
      const status = (error as { status?: unknown }).status
      if (status === 409 || status === 412) {
        throw new CommandFailure(
          `the draft of revision ${baseRevision} is no longer at version ${version}: nothing was created`,
          "conflict",
          "evaluate the new head first (fruxkit draft evaluate), or pull it again"
        )
      }
      throw error
    }
    const deployed = deploy ? await client.deployRevision({ tenant, agent, revision: created.agentRevision }) : undefined
    if (context.json) printJson(context, { revision: created, ...(deployed ? { agent: deployed } : {}) })
    else {
      print(context, `created revision ${created.agentRevision} of ${agent} from the draft of revision ${baseRevision}${version !== undefined ? ` (version ${version})` : ""}`)
      print(context, deployed ? `deployed: ${agent}'s current revision is ${deployed.currentRevision}` : `not deployed: fruxkit revisions create … --deploy, or deploy it from the TUI`)
    }
    return ExitCode.Ok
  })
}
