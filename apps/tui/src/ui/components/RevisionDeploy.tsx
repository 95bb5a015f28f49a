/**
 * Deploying the candidate a run measured, from the run screen: a completed
 * run of a saved revision that is not the deployed one offers `D`, which
 * asks first (y deploys, Esc does not) and says what it did. (A draft's run
 * has its own actions: DraftRunActions.)
 */
import { useState, type ReactNode } from "react"
import { Text } from "ink"
import type { EvaluationRun } from "@fruxkit/core"
import { Command } from "../keys/bindings.js"
import { Priority } from "../keys/KeyboardProvider.js"
import { useCommands, type Handlers } from "../keys/useCommands.js"
import { useApi } from "../state/ApiContext.js"
import { describeError, failureLine } from "../../describe-error.js"

type Step =
  | { readonly kind: "idle" }
  | { readonly kind: "confirm" }
  | { readonly kind: "busy" }
  | { readonly kind: "deployed"; readonly revision: number }
  | { readonly kind: "failed"; readonly message: string }

export const useRevisionDeploy = (agentId: string, run: EvaluationRun | undefined): { readonly handlers: Handlers; readonly panel: ReactNode } => {
  const { client, tenant } = useApi()
  const [step, setStep] = useState<Step>({ kind: "idle" })
  const revision = run?.candidateRevision ?? null
  const offered = run !== undefined && run.status === "COMPLETED" && revision !== null && revision !== run.deployedRevision

  const deploy = async () => {
    if (revision === null) return
    setStep({ kind: "busy" })
    try {
      const agent = await client.deployRevision({ tenant, agent: agentId, revision })
      setStep({ kind: "deployed", revision: agent.currentRevision })
    } catch (error) {
      setStep({ kind: "failed", message: failureLine(describeError(error)) })
    }
  }
  // The question takes every key until it is answered.
  useCommands(step.kind === "confirm" ? { [Command.Confirm]: () => void deploy(), [Command.Back]: () => setStep({ kind: "idle" }) } : {}, {
    priority: Priority.Overlay,
    exclusive: true,
    active: offered && step.kind === "confirm"
  })
  const handlers: Handlers = offered && (step.kind === "idle" || step.kind === "failed") ? { [Command.Deploy]: () => setStep({ kind: "confirm" }) } : {}
  if (!offered || !run) return { handlers, panel: null }
  const panel =
    step.kind === "confirm" ? (
      <Text color="yellow" bold wrap="wrap">
        {`Deploy revision ${revision} to ${agentId} (now: revision ${run.deployedRevision ?? "?"})? The run recommends ${run.deploymentRecommendation ?? "nothing"}. y deploys · Esc does not`}
      </Text>
    ) : step.kind === "busy" ? (
      <Text>{`Deploying revision ${revision}…`}</Text>
    ) : step.kind === "deployed" ? (
      <Text color="green">{`✓ deployed: revision ${step.revision} is now ${agentId}'s current revision`}</Text>
    ) : step.kind === "failed" ? (
      <Text color="red" wrap="wrap">{`✗ not deployed: ${step.message}`}</Text>
    ) : (
      <Text dimColor wrap="truncate">{`D deploys revision ${revision} (asks first)`}</Text>
    )
  return { handlers, panel }
}
