/**
 * What a run executes. Base: the deployed revision's flow. Candidate, first
 * that applies: `candidateExternalConfig` (an external agent), the inline
 * `agent` configuration (its `flow`), the `candidateRevision`'s flow.
 */
import * as Either from "effect/Either"
import type { LocalContext } from "../LocalContext.js"
import { externalAgentFlow, parseFlow, type ExternalStep, type FlowDefinition } from "../runtime/flow-definition.js"
import * as AgentRepository from "../store/AgentRepository.js"
import * as FlowSecrets from "../store/FlowSecrets.js"
import type { RunRecord } from "../store/RunStore.js"
import type { RunPlan } from "./sample-evaluation.js"

export class RunPlanError extends Error {}

const revisionFlow = async (ctx: LocalContext, run: RunRecord, revision: number): Promise<FlowDefinition> => {
  const found = await ctx.store.run(AgentRepository.findRevision(run.tenantId, run.agentId, revision, -1))
  if (!found) throw new RunPlanError(`revision ${revision} of agent ${run.agentId} no longer exists`)
  const flow = parseFlow(openFlow(ctx, found.flow))
  if (Either.isLeft(flow)) throw new RunPlanError(`revision ${revision} has an invalid flow: ${flow.left.map((e) => `${e.path}: ${e.message}`).join("; ")}`)
  return flow.right
}

/** A stored configuration with its secrets opened, to run it. */
const openFlow = <A>(ctx: LocalContext, stored: A): A => {
  try {
    return FlowSecrets.open(ctx.secrets, stored)
  } catch {
    throw new RunPlanError("the flow's secrets cannot be decrypted with this data dir's key")
  }
}

/** The inline candidate: `{flow: {...}}`, or the flow itself. */
export const inlineCandidateFlow = (agent: Readonly<Record<string, unknown>>) =>
  "flow" in agent ? parseFlow(agent.flow, "body.agent.flow") : parseFlow(agent, "body.agent")

export const resolvePlan = async (ctx: LocalContext, run: RunRecord): Promise<RunPlan> => {
  if (run.deployedRevision === null) throw new RunPlanError("the agent had no deployed revision")
  // Both revisions are read at once (on PostgreSQL each read is a round trip before the run's first claim);
  // when both fail, the base's error is the one told, as when they were read in turn.
  const [base, candidate] = await Promise.allSettled([revisionFlow(ctx, run, run.deployedRevision), resolveCandidate(ctx, run)])
  if (base.status === "rejected") throw base.reason
  if (candidate.status === "rejected") throw candidate.reason
  return { agentId: run.agentId, base: { revision: run.deployedRevision, flow: base.value }, candidate: candidate.value }
}

const resolveCandidate = async (ctx: LocalContext, run: RunRecord): Promise<RunPlan["candidate"]> => {
  const candidateRevision = run.candidateRevision ?? 0
  if (run.candidateExternalSealed !== null) {
    let parameters: ExternalStep["parameters"]
    try {
      parameters = JSON.parse(ctx.secrets.open(run.candidateExternalSealed))
    } catch {
      throw new RunPlanError("the candidate's external configuration cannot be decrypted with this data dir's key")
    }
    return { revision: candidateRevision, flow: externalAgentFlow(parameters) }
  }
  if (run.candidateAgent !== null) {
    const flow = inlineCandidateFlow(openFlow(ctx, run.candidateAgent))
    if (Either.isLeft(flow)) throw new RunPlanError("the inline candidate configuration has an invalid flow")
    return { revision: candidateRevision, flow: flow.right }
  }
  if (run.candidateRevision === null) throw new RunPlanError("the run names no candidate")
  return { revision: run.candidateRevision, flow: await revisionFlow(ctx, run, run.candidateRevision) }
}
