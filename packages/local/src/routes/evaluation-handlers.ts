/**
 * `:evaluate` and evaluation runs. `:evaluate` validates, stores the run as
 * PENDING and answers at once; the worker pool does the rest. Runs with a
 * `candidateRevision` are persisted; runs without are transient (memory).
 */
import * as Either from "effect/Either"
import { randomUUID } from "node:crypto"
import type { LocalContext } from "../LocalContext.js"
import { inlineCandidateFlow } from "../evaluation/run-plan.js"
import * as AgentRepository from "../store/AgentRepository.js"
import * as DatasetRepository from "../store/DatasetRepository.js"
import { listRuns } from "../store/EvaluationRunRepository.js"
import { pageRequest } from "./paging.js"
import { toEvaluationRun, type RunRecord } from "../store/RunStore.js"
import * as SampleRepository from "../store/SampleRepository.js"
import type { Handlers } from "./handler-types.js"
import { HttpProblem } from "./HttpProblem.js"
import { loadAgent } from "./lookups.js"

export interface WorkerControl {
  readonly wake: () => void
  readonly cancelLocal: (runId: string) => void
}

type EvaluationEndpoints = "evaluate" | "getEvaluationRun" | "listEvaluationRuns" | "cancelEvaluationRun" | "listEvaluationRunSamples"

export const evaluationHandlers = (ctx: LocalContext, workers: WorkerControl): Handlers<EvaluationEndpoints> => {
  const findRun = async (tenant: string, agentId: string, id: string): Promise<{ run: RunRecord; transient: boolean }> => {
    await loadAgent(ctx, tenant, agentId)
    const transient = await ctx.transientRuns.find(tenant, agentId, id)
    if (transient) return { run: transient, transient: true }
    const persisted = await ctx.persistedRuns.find(tenant, agentId, id)
    if (persisted) return { run: persisted, transient: false }
    throw HttpProblem.notFound("Evaluation run", `evaluation run "${id}" does not exist for agent "${agentId}"`)
  }

  return {
    evaluate: async ({ path, body }) => {
      const agent = await loadAgent(ctx, path.tenant, path.agent)
      if (agent.currentRevision === 0) {
        throw HttpProblem.of(409, "no-deployed-revision", "No deployed revision", `agent "${agent.id}" has no deployed revision to compare against`)
      }
      const candidateRevision = body.candidateRevision ?? null
      if (candidateRevision !== null) {
        const found = await ctx.store.run(AgentRepository.findRevision(agent.tenantId, agent.id, candidateRevision, agent.currentRevision))
        if (!found) throw HttpProblem.notFound("Revision", `agent "${agent.id}" has no revision ${candidateRevision}`)
      }
      const external = body.candidateExternalConfig ?? null
      if (external !== null) {
        const endpoint = external.parameters.endpoint
        if (typeof endpoint !== "string" || !/^https?:\/\/[^\s]+$/.test(endpoint)) {
          throw HttpProblem.invalid([
            { path: "body.candidateExternalConfig.parameters.endpoint", message: "must be the external agent's http(s) URL" }
          ])
        }
      }
      const inline = body.agent ?? null
      if (inline !== null && external === null) {
        const flow = inlineCandidateFlow(inline)
        if (Either.isLeft(flow)) throw HttpProblem.invalid(flow.left)
      }
      if (candidateRevision === null && external === null && inline === null) {
        throw HttpProblem.invalid([
          { path: "body", message: "name a candidate: candidateRevision, agent or candidateExternalConfig" }
        ])
      }
      // An empty datasetId means every dataset of the agent (whose published revision is the base).
      const datasetId = body.datasetId ?? ""
      let datasetIds: Array<string>
      if (datasetId !== "") {
        const dataset = await ctx.store.run(DatasetRepository.findDataset(agent.tenantId, agent.id, datasetId))
        if (!dataset) throw HttpProblem.notFound("Dataset", `dataset "${datasetId}" does not exist for agent "${agent.id}"`)
        datasetIds = [dataset.id]
      } else {
        datasetIds = (await ctx.store.run(DatasetRepository.listDatasets(agent.tenantId, agent.id))).map((d) => d.id)
      }
      const sampleIds = await ctx.store.run(SampleRepository.listSampleIdsOfDatasets(datasetIds))
      if (sampleIds.length === 0) {
        throw HttpProblem.invalid([{ path: "body.datasetId", message: "the selected datasets hold no samples to evaluate" }])
      }
      const now = Date.now()
      const run: RunRecord = {
        id: randomUUID(),
        tenantId: agent.tenantId,
        agentId: agent.id,
        datasetId: datasetId === "" ? null : datasetId,
        candidateRevision,
        candidateBaseRevision: agent.currentRevision,
        deployedRevision: agent.currentRevision,
        status: "PENDING",
        score: null,
        deploymentRecommendation: null,
        summary: null,
        errorMessage: null,
        createdAt: now,
        modifiedAt: now,
        startedAt: 0,
        completedAt: 0,
        createdBy: ctx.actor,
        totalSamples: sampleIds.length,
        completedSamples: 0,
        failedSamples: 0,
        sampleIds,
        candidateAgent: inline === null ? null : { ...inline },
        // Sealed even in memory: one code path reads it, and a heap dump shows no plaintext secret.
        candidateExternalSealed: external === null ? null : ctx.secrets.seal(JSON.stringify(external.parameters)),
        cancelRequested: false,
        leaseOwner: null,
        leaseExpiresAt: 0,
        transient: candidateRevision === null
      }
      await (run.transient ? ctx.transientRuns : ctx.persistedRuns).insert(run)
      workers.wake()
      return toEvaluationRun(run)
    },

    getEvaluationRun: async ({ path }) => toEvaluationRun((await findRun(path.tenant, path.agent, path.evaluationRun)).run),

    listEvaluationRuns: async ({ path, query }) => {
      await loadAgent(ctx, path.tenant, path.agent)
      const page = await ctx.store.run(
        listRuns(
          path.tenant,
          path.agent,
          { candidateRevision: query.candidateRevision, deployedRevision: query.deployedRevision, status: query.status },
          pageRequest(query)
        )
      )
      return { ...page, items: page.items.map(toEvaluationRun) }
    },

    cancelEvaluationRun: async ({ path }) => {
      const { run, transient } = await findRun(path.tenant, path.agent, path.evaluationRun)
      const result = await (transient ? ctx.transientRuns : ctx.persistedRuns).requestCancel(run.id, Date.now())
      if (result === "terminal") {
        throw HttpProblem.conflict("run-already-ended", "Run already ended", `evaluation run "${run.id}" is already ${run.status}`)
      }
      if (result === "missing") throw HttpProblem.notFound("Evaluation run", `evaluation run "${run.id}" does not exist`)
      if (result === "requested") workers.cancelLocal(run.id)
    },

    listEvaluationRunSamples: async ({ path, query }) => {
      const { run, transient } = await findRun(path.tenant, path.agent, path.evaluationRun)
      return (transient ? ctx.transientRuns : ctx.persistedRuns).pageSampleResults(run.id, pageRequest(query))
    }
  }
}
