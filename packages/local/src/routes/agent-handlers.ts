/** Agents and revisions. */
import * as Either from "effect/Either"
import type { ParameterMetadata } from "@fruxkit/core"
import type { LocalContext } from "../LocalContext.js"
import { parseFlow } from "../runtime/flow-definition.js"
import * as AgentRepository from "../store/AgentRepository.js"
import type { Handlers } from "./handler-types.js"
import { HttpProblem } from "./HttpProblem.js"
import { loadAgent, loadRevision } from "./lookups.js"

type AgentEndpoints = "listAgents" | "getAgent" | "listRevisions" | "getRevision" | "createRevision" | "deployRevision"

export const agentHandlers = (ctx: LocalContext): Handlers<AgentEndpoints> => ({
  listAgents: async ({ path }) => ctx.store.run(AgentRepository.listAgents(path.tenant)),

  getAgent: async ({ path }) => loadAgent(ctx, path.tenant, path.agent),

  listRevisions: async ({ path }) => {
    const agent = await loadAgent(ctx, path.tenant, path.agent)
    return ctx.store.run(AgentRepository.listRevisions(agent.tenantId, agent.id, agent.currentRevision))
  },

  getRevision: async ({ path }) => loadRevision(ctx, await loadAgent(ctx, path.tenant, path.agent), path.revision),

  createRevision: async ({ path, body }) => {
    const agent = await loadAgent(ctx, path.tenant, path.agent)
    // The local backend runs flows, so it only stores flows it can run.
    const flow = parseFlow(body.flow, "body.flow")
    if (Either.isLeft(flow)) throw HttpProblem.invalid(flow.left)
    const parametersMetadata: Array<ParameterMetadata> = (body.parametersMetadata ?? []).map((p) => ({
      name: p.name,
      type: p.type ?? "string",
      displayName: p.displayName ?? p.name,
      description: p.description ?? "",
      required: p.required ?? false,
      secret: p.secret ?? false,
      defaultValue: p.defaultValue ?? null
    }))
    return ctx.store.transaction(
      AgentRepository.insertRevision(
        { tenant: agent.tenantId, agentId: agent.id, comment: body.comment ?? "", parametersMetadata, flow: body.flow, now: Date.now() },
        agent.currentRevision
      )
    )
  },

  deployRevision: async ({ path }) => {
    const agent = await loadAgent(ctx, path.tenant, path.agent)
    await loadRevision(ctx, agent, path.revision)
    await ctx.store.run(AgentRepository.setCurrentRevision(agent.tenantId, agent.id, path.revision, Date.now()))
    return loadAgent(ctx, path.tenant, path.agent)
  }
})
