/**
 * `fruxkit draft pull | push | validate`: a draft as a file in git. The file
 * and its version record are described in `../draft/draft-file.ts`.
 */
import * as Either from "effect/Either"
import * as fs from "node:fs/promises"
import { CommandFailure, print, printJson, type CommandContext, type CommandDefinition } from "./command.js"
import { integerFlag, requiredString, stringFlag, type Flags } from "./command-line.js"
import { confirmOrStop, yesFlag } from "./confirmation.js"
import { ExitCode } from "./exit-codes.js"
import { DraftFileError, parseDraftFile, sidecarPath } from "../draft/draft-file.js"
import { DraftConflict, newestRevision, pullDraft, pushDraft } from "../draft/draft-sync.js"
import { diffSummary } from "../draft/head-diff.js"

export const DEFAULT_DRAFT_FILE = "agent.json"

export const fileFlag = {
  file: { type: "string", short: "f", value: "FILE", default: DEFAULT_DRAFT_FILE, description: "The draft file; its version is kept beside it in FILE.fruxkit" }
} as const satisfies Flags

export const fileOf = (context: CommandContext): string => stringFlag(context.values, "file") ?? DEFAULT_DRAFT_FILE

/**
 * The draft commands' own failures, in the CLI's one error report: an
 * invalid file is `validation` (12), a moved head `conflict` (13, with what
 * differs). Anything else goes on as it is.
 */
export const withDraftErrors =
  (run: (context: CommandContext) => Promise<ExitCode>) =>
  async (context: CommandContext): Promise<ExitCode> => {
    try {
      return await run(context)
    } catch (error) {
      if (error instanceof DraftFileError) throw new CommandFailure(error.message, "validation", `fruxkit draft validate -f ${error.file} lists every error`)
      if (error instanceof DraftConflict) {
        throw new CommandFailure(
          `${error.message}; nothing was written. What differs (+ only on the server, - only in your file, ~ changed):\n${diffSummary(error.changes)}`,
          "conflict",
          "pull again and merge by hand, or push with --force to overwrite the head"
        )
      }
      throw error
    }
  }

export const draftPullCommand: CommandDefinition = {
  name: "draft pull",
  summary: "Write a draft's head (or the revision, when it has no draft) to a file, its version beside it",
  usage: "fruxkit draft pull --agent ID [--revision N] [-f agent.json]",
  flags: {
    agent: { type: "string", value: "ID", description: "The agent" },
    revision: { type: "string", value: "N", check: { kind: "count", min: 0 }, description: "The base revision the draft forks from (default: the newest)" },
    ...fileFlag
  },
  jsonShape: "{file, tenant, agent, baseRevision, version, headHash, pulledAt} (version null: the revision had no draft)",
  run: withDraftErrors(async (context) => {
    const agent = requiredString(context.values, "agent")
    const file = fileOf(context)
    const { client, settings } = await context.open()
    const revision = integerFlag(context.values, "revision") ?? (await newestRevision(client, settings.tenant, agent))
    const pulled = await pullDraft(client, { tenant: settings.tenant, agent, revision }, file)
    if (context.json) printJson(context, { file, ...pulled.sidecar })
    else
      print(
        context,
        pulled.fromDraft
          ? `pulled the draft of ${agent} revision ${revision} (version ${pulled.sidecar.version}) to ${file}`
          : `revision ${revision} of ${agent} has no draft: wrote the revision to ${file}; the first push creates the draft`
      )
    return ExitCode.Ok
  })
}

export const draftPushCommand: CommandDefinition = {
  name: "draft push",
  summary: "Save a draft file as the draft's head, guarded by the version it was pulled at (exit 13 if the head moved)",
  usage: "fruxkit draft push [-f agent.json] [--force [--yes]]",
  flags: {
    ...fileFlag,
    force: { type: "boolean", description: "When the head moved: re-read it, show what differs and overwrite it (asks first)" },
    ...yesFlag("the --force question")
  },
  jsonShape: "AgentDraft (the saved head) plus wrote: false when the server already had it",
  run: withDraftErrors(async (context) => {
    const file = fileOf(context)
    const { client, settings } = await context.open()
    const force = context.values.force === true
    const pushed = await pushDraft(client, settings.tenant, file, {
      force,
      // Declined: the conflict itself is the answer (exit 13), as without --force.
      confirm: (conflict) =>
        confirmOrStop(
          context,
          `${conflict.message}. Overwrite the head (${conflict.changes.length} difference${conflict.changes.length === 1 ? "" : "s"}) with ${file}?`,
          () => conflict
        )
    })
    if (context.json) printJson(context, { ...pushed.draft, wrote: pushed.wrote })
    else
      print(
        context,
        pushed.wrote
          ? `pushed ${file}: the draft of revision ${pushed.draft.baseRevision} is at version ${pushed.draft.version}`
          : `${file} is already the head (version ${pushed.draft.version}); nothing to save`
      )
    return ExitCode.Ok
  })
}

export const draftValidateCommand: CommandDefinition = {
  name: "draft validate",
  summary: "Check a draft file against the schema, offline; every error names its JSON path",
  usage: "fruxkit draft validate [-f agent.json]",
  flags: { ...fileFlag },
  jsonShape: "{file, valid, errors: [{path, message}]}",
  run: async (context) => {
    const file = fileOf(context)
    let text: string
    try {
      text = await fs.readFile(file, "utf8")
    } catch (error) {
      throw new CommandFailure(`${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`, "validation")
    }
    const parsed = parseDraftFile(text)
    if (context.json) printJson(context, Either.isRight(parsed) ? { file, valid: true, errors: [] } : { file, valid: false, errors: parsed.left })
    if (Either.isLeft(parsed)) {
      // JSON on stdout already says what is wrong; the error report says it for people.
      if (context.json) return ExitCode.Validation
      throw new CommandFailure(new DraftFileError(file, parsed.left).message, "validation")
    }
    if (!context.json) {
      print(context, `${file} is a valid draft of ${parsed.right.agent} revision ${parsed.right.baseRevision}`)
      try {
        await fs.access(sidecarPath(file))
      } catch {
        print(context, `(no ${sidecarPath(file)} beside it: the first push will create the draft or report a conflict)`)
      }
    }
    return ExitCode.Ok
  }
}
