/**
 * What a finished draft run (`draft:evaluate`) offers on its run screen:
 * save the head it scored as a revision (S) — exactly that pinned version,
 * so a head edited since is refused rather than saved unscored — and, when
 * it passed (`draftRunPasses`), deploy that revision (D, then y to confirm).
 */
import { useState, type ReactNode } from "react"
import { Box, Text } from "ink"
import { isTerminalRunStatus, type AgentRevision, type EvaluationRun } from "@fruxkit/core"
import { Command } from "../keys/bindings.js"
import { Priority } from "../keys/KeyboardProvider.js"
import { useCommands, type Handlers } from "../keys/useCommands.js"
import { useApi } from "../state/ApiContext.js"
import { draftRunPasses } from "../state/draftEditor.js"
import { describeError } from "../../describe-error.js"

type Step =
  | { readonly kind: "idle" }
  | { readonly kind: "busy"; readonly doing: string }
  | { readonly kind: "saved"; readonly revision: AgentRevision }
  | { readonly kind: "confirm"; readonly revision: AgentRevision | undefined }
  | { readonly kind: "deployed"; readonly revision: number }
  | { readonly kind: "failed"; readonly message: string }

/**
 * The run screen merges `handlers` into its own (so its footer lists S and
 * D), and shows `panel`. Only for a finished draft run; otherwise nothing.
 */
export const useDraftRunActions = (agentId: string, run: EvaluationRun | undefined): { readonly handlers: Handlers; readonly panel: ReactNode } => {
  const { client, tenant } = useApi()
  const [step, setStep] = useState<Step>({ kind: "idle" })
  const shown = run !== undefined && isTerminalRunStatus(run.status) && run.candidateSnapshotSeqNo !== null
  const passes = run !== undefined && draftRunPasses(run)
  const saved = step.kind === "saved" ? step.revision : step.kind === "confirm" ? step.revision : undefined
  const version = run?.candidateSnapshotSeqNo ?? null
  const baseRevision = run?.candidateBaseRevision ?? null

  const saveRevision = async (): Promise<AgentRevision | undefined> => {
    if (version === null || baseRevision === null) return undefined
    setStep({ kind: "busy", doing: "Saving the draft head as a revision…" })
    try {
      return await client.createRevision({
        tenant,
        agent: agentId,
        body: { comment: `draft v${version} of rev ${baseRevision} (evaluation ${run!.id.slice(0, 8)})`, fromDraft: { baseRevision, version } }
      })
    } catch (error) {
      const failure = describeError(error)
      setStep({
        kind: "failed",
        message:
          failure.status === 409
            ? `the draft moved on since version ${version} was evaluated: nothing was saved (evaluate the new head first)`
            : `${failure.title}${failure.detail ? `: ${failure.detail}` : ""}`
      })
      return undefined
    }
  }

  const deploy = async (revision: AgentRevision | undefined) => {
    const target = revision ?? (await saveRevision())
    if (!target) return
    setStep({ kind: "busy", doing: `Deploying revision ${target.agentRevision}…` })
    try {
      const agent = await client.deployRevision({ tenant, agent: agentId, revision: target.agentRevision })
      setStep({ kind: "deployed", revision: agent.currentRevision })
    } catch (error) {
      const failure = describeError(error)
      setStep({ kind: "failed", message: `${failure.title}${failure.detail ? `: ${failure.detail}` : ""}` })
    }
  }

  const idle = step.kind === "idle" || step.kind === "saved" || step.kind === "failed"
  // Asking "deploy?" takes every key until it is answered.
  useCommands(
    step.kind === "confirm"
      ? { [Command.Confirm]: () => void deploy(step.revision), [Command.Back]: () => setStep(saved ? { kind: "saved", revision: saved } : { kind: "idle" }) }
      : {},
    { priority: Priority.Overlay, exclusive: true, active: shown && step.kind === "confirm" }
  )
  const handlers: Handlers =
    shown && idle
      ? {
          ...(step.kind !== "saved"
            ? {
                [Command.SaveRevision]: () =>
                  void saveRevision().then((revision) => {
                    if (revision) setStep({ kind: "saved", revision })
                  })
              }
            : {}),
          ...(passes ? { [Command.Deploy]: () => setStep({ kind: "confirm", revision: saved }) } : {})
        }
      : {}
  if (!shown || !run) return { handlers, panel: null }

  const panel = (
    <Box flexDirection="column" borderStyle="round" borderColor={passes ? "green" : "gray"} paddingX={1}>
      <Text wrap="truncate">
        Draft v{version} of rev {baseRevision}: {passes ? "passed" : `not deployable from here (${run.status}, ${run.deploymentRecommendation ?? "no recommendation"})`}
      </Text>
      {step.kind === "busy" ? <Text>{step.doing}</Text> : null}
      {step.kind === "saved" ? <Text color="green">saved as revision {step.revision.agentRevision} (not deployed)</Text> : null}
      {step.kind === "deployed" ? <Text color="green">deployed: revision {step.revision} is now the agent's current revision</Text> : null}
      {step.kind === "failed" ? <Text color="red" wrap="wrap">{step.message}</Text> : null}
      {step.kind === "confirm" ? (
        <Text color="yellow" bold>
          Deploy {saved ? `revision ${saved.agentRevision}` : `draft v${version} as a new revision`} to {agentId}? y yes · Esc no
        </Text>
      ) : null}
      {idle ? (
        <Text dimColor>
          {step.kind !== "saved" ? "S save as revision" : ""}
          {step.kind !== "saved" && passes ? " · " : ""}
          {passes ? "D deploy" : ""}
        </Text>
      ) : null}
    </Box>
  )
  return { handlers, panel }
}
