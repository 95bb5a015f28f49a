/** Loading what a path names, or answering 404 for it. */
import type { Agent, AgentRevision } from "@fruxkit/core"
import type { LocalContext } from "../LocalContext.js"
import * as AgentRepository from "../store/AgentRepository.js"
import { HttpProblem } from "./HttpProblem.js"

export const loadAgent = async (ctx: LocalContext, tenant: string, agentId: string): Promise<Agent> => {
  const agent = await ctx.store.run(AgentRepository.findAgent(tenant, agentId))
  if (!agent) throw HttpProblem.notFound("Agent", `agent "${agentId}" does not exist in tenant "${tenant}"`)
  return agent
}

export const loadRevision = async (ctx: LocalContext, agent: Agent, revision: number): Promise<AgentRevision> => {
  const found = await ctx.store.run(AgentRepository.findRevision(agent.tenantId, agent.id, revision, agent.currentRevision))
  if (!found) throw HttpProblem.notFound("Revision", `agent "${agent.id}" has no revision ${revision}`)
  return found
}
