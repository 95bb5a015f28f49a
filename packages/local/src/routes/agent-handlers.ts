/** Agents and revisions. */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { completeParametersMetadata, type Agent, type CreateRevisionRequest, type ParameterMetadata } from "@fruxkit/core"
import type { LocalContext } from "../LocalContext.js"
import { parseFlow } from "../runtime/flow-definition.js"
import * as AgentRepository from "../store/AgentRepository.js"
import * as FlowSecrets from "../store/FlowSecrets.js"
import { loadDraftHead } from "./draft-head.js"
import type { Handlers } from "./handler-types.js"
import { HttpProblem } from "./HttpProblem.js"
import { withKey } from "./keyed-create.js"
import { loadAgent, loadRevision } from "./lookups.js"

/**
 * A new revision's flow and parameters: from the body (`flow`, optional
 * `parametersMetadata`), or from a draft's head (`fromDraft`: the head's
 * flow and parameters, falling back to its base revision's; a `version`
 * that is not the head's → 409 stale-draft, nothing created). Exactly one.
 */
const revisionSource = async (
  ctx: LocalContext,
  agent: Agent,
  body: CreateRevisionRequest
): Promise<{ readonly flow: Readonly<Record<string, unknown>>; readonly parametersMetadata: ReadonlyArray<ParameterMetadata> }> => {
  if (body.fromDraft !== undefined) {
    if (body.flow !== undefined || body.parametersMetadata !== undefined) {
      throw HttpProblem.invalid([{ path: "body.fromDraft", message: "takes the draft head's flow and parameters: send no flow or parametersMetadata with it" }])
    }
    const base = await loadRevision(ctx, agent, body.fromDraft.baseRevision)
    const head = await loadDraftHead(ctx, agent, base, body.fromDraft.version, "no revision was created")
    return { flow: head.flowJson, parametersMetadata: head.parametersMetadata }
  }
  if (body.flow === undefined) {
    throw HttpProblem.invalid([{ path: "body.flow", message: "is missing: send a flow, or fromDraft to take a draft's head" }])
  }
  // The local backend runs flows, so it only stores flows it can run.
  const flow = parseFlow(body.flow, "body.flow")
  if (Either.isLeft(flow)) throw HttpProblem.invalid(flow.left)
  // Secrets (the flow's, secret parameters' defaults) sealed; one sent back as shown keeps the deployed
  // revision's (a revision edited from the one deployed; parameters matched by name).
  const deployed = agent.currentRevision > 0 ? await loadRevision(ctx, agent, agent.currentRevision) : undefined
  const given = { flow: body.flow, parametersMetadata: completeParametersMetadata(body.parametersMetadata ?? []) }
  const previous = deployed && { flow: deployed.flow, parametersMetadata: deployed.parametersMetadata }
  const sealed = FlowSecrets.seal(ctx.secrets, given, previous, "body")
  if (Either.isLeft(sealed)) throw HttpProblem.invalid(sealed.left)
  return sealed.right as typeof given
}

type AgentEndpoints = "listAgents" | "getAgent" | "listRevisions" | "getRevision" | "createRevision" | "deployRevision"

export const agentHandlers = (ctx: LocalContext): Handlers<AgentEndpoints> => ({
  listAgents: async ({ path }) => ctx.store.run(AgentRepository.listAgents(path.tenant)),

  getAgent: async ({ path }) => loadAgent(ctx, path.tenant, path.agent),

  listRevisions: async ({ path }) => {
    const agent = await loadAgent(ctx, path.tenant, path.agent)
    return (await ctx.store.run(AgentRepository.listRevisions(agent.tenantId, agent.id, agent.currentRevision))).map(FlowSecrets.shown)
  },

  getRevision: async ({ path }) => FlowSecrets.shown(await loadRevision(ctx, await loadAgent(ctx, path.tenant, path.agent), path.revision)),

  createRevision: async ({ path, body, key }) => {
    const agent = await loadAgent(ctx, path.tenant, path.agent)
    const source = await revisionSource(ctx, agent, body)
    // The key records the revision as it is answered (secrets shown redacted), so a replay shows the same.
    const created = AgentRepository.insertRevision(
      { tenant: agent.tenantId, agentId: agent.id, comment: body.comment ?? "", ...source, now: Date.now() },
      agent.currentRevision
    )
    return ctx.store.transaction(withKey(key, Effect.map(created, FlowSecrets.shown)))
  },

  deployRevision: async ({ path }) => {
    const agent = await loadAgent(ctx, path.tenant, path.agent)
    await loadRevision(ctx, agent, path.revision)
    await ctx.store.run(AgentRepository.setCurrentRevision(agent.tenantId, agent.id, path.revision, Date.now()))
    return loadAgent(ctx, path.tenant, path.agent)
  }
})
