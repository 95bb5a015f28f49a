/**
 * `:evaluate`, `draft:evaluate` and evaluation runs. Both validate, store
 * the run as PENDING and answer at once; the worker pool does the rest. Runs
 * with a `candidateRevision` are persisted; `:evaluate` runs without one are
 * transient (memory). `draft:evaluate` runs are persisted with the draft head
 * pinned (`candidateSnapshotSeqNo`, its flow copied into the run).
 */
import * as Either from "effect/Either"
import { Endpoints, RequestDecoding, type Agent } from "@fruxkit/core"
import { randomUUID } from "node:crypto"
import type { LocalContext } from "../LocalContext.js"
import { inlineCandidateFlow } from "../evaluation/run-plan.js"
import * as AgentRepository from "../store/AgentRepository.js"
import * as DatasetRepository from "../store/DatasetRepository.js"
import * as FlowSecrets from "../store/FlowSecrets.js"
import { listRuns } from "../store/EvaluationRunRepository.js"
import { pageRequest } from "./paging.js"
import { toEvaluationRun, type RunRecord } from "../store/RunStore.js"
import * as SampleRepository from "../store/SampleRepository.js"
import { EncodedJson, type Handlers } from "./handler-types.js"
import { HttpProblem } from "./HttpProblem.js"
import { ifMatchRequired, loadDraftHead } from "./draft-head.js"
import { loadAgent, loadRevision } from "./lookups.js"

export interface WorkerControl {
  readonly wake: () => void
  readonly cancelLocal: (runId: string) => void
}

/** An extra rule of the embedded backend (README): an endpoint longer than this is refused. */
export const MAX_ENDPOINT_CHARS = 2048

type EvaluationEndpoints = "evaluate" | "evaluateDraft" | "getEvaluationRun" | "listEvaluationRuns" | "cancelEvaluationRun" | "listEvaluationRunSamples"

export const evaluationHandlers = (ctx: LocalContext, workers: WorkerControl): Handlers<EvaluationEndpoints> => {
  const findRun = async (tenant: string, agentId: string, id: string): Promise<{ run: RunRecord; transient: boolean }> => {
    await loadAgent(ctx, tenant, agentId)
    const transient = await ctx.transientRuns.find(tenant, agentId, id)
    if (transient) return { run: transient, transient: true }
    const persisted = await ctx.persistedRuns.find(tenant, agentId, id)
    if (persisted) return { run: persisted, transient: false }
    throw HttpProblem.notFound("Evaluation run", `evaluation run "${id}" does not exist for agent "${agentId}"`)
  }

  /**
   * The sample ids a run over one dataset, or over every dataset of the agent when `datasetId` is empty (whose
   * published revision is the base), would evaluate. A named dataset's check and its samples are read at once:
   * a request's reads are round trips before its run is enqueued (on PostgreSQL, before a worker can start it).
   */
  const readSampleIds = async (agent: Agent, datasetId: string): Promise<ReadonlyArray<string>> => {
    if (datasetId === "") {
      const datasetIds = (await ctx.store.run(DatasetRepository.listDatasets(agent.tenantId, agent.id))).map((d) => d.id)
      return ctx.store.run(SampleRepository.listSampleIdsOfDatasets(datasetIds))
    }
    const [dataset, sampleIds] = await Promise.all([
      ctx.store.run(DatasetRepository.findDataset(agent.tenantId, agent.id, datasetId)),
      ctx.store.run(SampleRepository.listSampleIdsOfDatasets([datasetId]))
    ])
    if (!dataset) throw HttpProblem.notFound("Dataset", `dataset "${datasetId}" does not exist for agent "${agent.id}"`)
    return sampleIds
  }

  /**
   * A PENDING run over the samples `sampleIdsRead` gives (readSampleIds: started early by the caller, so the
   * read overlaps the request's other checks; its failure is told here, after theirs).
   */
  const newRun = async (
    agent: Agent,
    datasetId: string,
    sampleIdsRead: Promise<ReadonlyArray<string>>,
    candidate: Pick<
      RunRecord,
      "candidateRevision" | "candidateBaseRevision" | "candidateSnapshotSeqNo" | "candidateAgent" | "candidateExternalSealed" | "transient"
    >
  ): Promise<RunRecord> => {
    const sampleIds = await sampleIdsRead
    if (sampleIds.length === 0) {
      throw HttpProblem.invalid([{ path: "body.datasetId", message: "the selected datasets hold no samples to evaluate" }])
    }
    const now = Date.now()
    return {
      id: randomUUID(),
      tenantId: agent.tenantId,
      agentId: agent.id,
      datasetId: datasetId === "" ? null : datasetId,
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
      cancelRequested: false,
      leaseOwner: null,
      leaseExpiresAt: 0,
      ...candidate
    }
  }

  const requireDeployedRevision = (agent: Agent): void => {
    if (agent.currentRevision === 0) {
      throw HttpProblem.conflict("no-deployed-revision", "No deployed revision", `agent "${agent.id}" has no deployed revision to compare against`)
    }
  }

  return {
    evaluate: async ({ path, body, key }) => {
      const agent = await loadAgent(ctx, path.tenant, path.agent)
      requireDeployedRevision(agent)
      const sampleIdsRead = readSampleIds(agent, body.datasetId ?? "")
      // Told in newRun, after the checks below; until then, not an unhandled rejection.
      sampleIdsRead.catch(() => undefined)
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
        if (endpoint.length > MAX_ENDPOINT_CHARS) {
          throw HttpProblem.invalid([
            { path: "body.candidateExternalConfig.parameters.endpoint", message: `must be at most ${MAX_ENDPOINT_CHARS} characters` }
          ])
        }
        // The outbound policy, at request time: a refused endpoint is a 400 and nothing is enqueued.
        const refused = await ctx.outbound.check(endpoint)
        if (refused !== undefined) {
          throw HttpProblem.invalid([{ path: "body.candidateExternalConfig.parameters.endpoint", message: refused }])
        }
      }
      const inline = body.agent ?? null
      let candidateAgent: Readonly<Record<string, unknown>> | null = null
      if (inline !== null) {
        if (external === null) {
          const flow = inlineCandidateFlow(inline)
          if (Either.isLeft(flow)) throw HttpProblem.invalid(flow.left)
        }
        // Sealed like a revision's flow: a persisted run keeps it on disk.
        const sealed = FlowSecrets.seal(ctx.secrets, inline, undefined, "body.agent")
        if (Either.isLeft(sealed)) throw HttpProblem.invalid(sealed.left)
        candidateAgent = sealed.right as Readonly<Record<string, unknown>>
      }
      if (candidateRevision === null && external === null && inline === null) {
        throw HttpProblem.invalid([
          { path: "body", message: "name a candidate: candidateRevision, agent or candidateExternalConfig" }
        ])
      }
      const run = await newRun(agent, body.datasetId ?? "", sampleIdsRead, {
        candidateRevision,
        candidateBaseRevision: agent.currentRevision,
        candidateSnapshotSeqNo: null,
        candidateAgent,
        // Sealed even in memory: one code path reads it, and a heap dump shows no plaintext secret.
        candidateExternalSealed: external === null ? null : ctx.secrets.seal(JSON.stringify(external.parameters)),
        transient: candidateRevision === null
      })
      const answer = toEvaluationRun(run)
      if (run.transient) {
        // A transient run lives in memory only: the key is committed first, then the run is held (a crash between loses the run, as any restart does).
        if (key) await ctx.store.transaction(key.recordWith(answer))
        await ctx.transientRuns.insert(run)
      } else {
        await ctx.persistedRuns.insert(run, key?.recordWith(answer))
      }
      workers.wake()
      return answer
    },

    evaluateDraft: async ({ path, body, ifMatch, key }) => {
      const agent = await loadAgent(ctx, path.tenant, path.agent)
      const revision = await loadRevision(ctx, agent, path.revision)
      if (ifMatch === undefined) {
        throw ifMatchRequired("draft:evaluate scores the draft head named by If-Match (the draft's version); none was sent, nothing was enqueued")
      }
      requireDeployedRevision(agent)
      const head = await loadDraftHead(ctx, agent, revision, ifMatch, "nothing was enqueued")
      // The head is pinned by copying its flow into the run: later saves make a new version, never touch this copy.
      const run = await newRun(agent, body?.datasetId ?? "", readSampleIds(agent, body?.datasetId ?? ""), {
        candidateRevision: null,
        candidateBaseRevision: revision.agentRevision,
        candidateSnapshotSeqNo: head.draft.version,
        candidateAgent: { flow: head.flowJson },
        candidateExternalSealed: null,
        // Kept in history: the verdict on a draft head stays addressable (and can be saved as a revision later).
        transient: false
      })
      const answer = toEvaluationRun(run)
      await ctx.persistedRuns.insert(run, key?.recordWith(answer))
      workers.wake()
      return answer
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
      const page = await (transient ? ctx.transientRuns : ctx.persistedRuns).pageSampleResults(run.id, pageRequest(query))
      // The envelope encoded by the endpoint's schema, with the results spliced in as they are.
      const envelope = JSON.stringify(
        RequestDecoding.encodeSuccess(Endpoints.listEvaluationRunSamples, { items: [], nextPageToken: page.nextPageToken, totalCount: page.totalCount })
      )
      const at = envelope.indexOf('"items":[]') + '"items":['.length
      return new EncodedJson(envelope.slice(0, at) + page.itemsJson.join(",") + envelope.slice(at))
    }
  }
}
