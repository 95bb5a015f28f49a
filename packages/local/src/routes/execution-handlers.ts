/**
 * Execution records, `:execute` and curation (`:addToDatasets`).
 *
 * `:addToDatasets` never upserts: each call adds one new sample per named
 * dataset (a dataset named twice in one call gets one sample). The whole
 * request is one transaction: an unknown execution record or dataset fails
 * it with 404 and nothing is written.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { randomUUID } from "node:crypto"
import type { LocalContext } from "../LocalContext.js"
import { executeAndRecord } from "../runtime/agent-execution.js"
import { parseFlow } from "../runtime/flow-definition.js"
import * as AgentRepository from "../store/AgentRepository.js"
import * as DatasetRepository from "../store/DatasetRepository.js"
import * as ExecutionRecordRepository from "../store/ExecutionRecordRepository.js"
import { pageRequest } from "./paging.js"
import * as SampleRepository from "../store/SampleRepository.js"
import * as FlowSecrets from "../store/FlowSecrets.js"
import type { Handlers } from "./handler-types.js"
import { HttpProblem } from "./HttpProblem.js"
import { withKey } from "./keyed-create.js"
import { loadAgent } from "./lookups.js"

type ExecutionEndpoints =
  | "executeAgent"
  | "listExecutionRecords"
  | "getExecutionRecord"
  | "getExecutionRecordTrace"
  | "getExecutionRecordResult"
  | "addToDatasets"
  | "listExecutionRecordSamples"
  | "deleteExecutionRecordSamples"

const recordNotFound = (id: string) => HttpProblem.notFound("Execution record", `execution record "${id}" does not exist for this agent`)

/**
 * An extra rule of the embedded backend (README "Extra rules"): one call adds
 * the execution to at most this many datasets. Each dataset gets a copy of
 * the execution's input and output, so an unbounded list turned one small
 * request into a write of hundreds of MB (issue 22, finding 4).
 */
export const MAX_DATASETS_PER_CALL = 50

/** Datasets named "golden" hold golden samples (`isGolden`). */
export const GOLDEN_DATASET_NAME = "golden"

export const executionHandlers = (ctx: LocalContext): Handlers<ExecutionEndpoints> => {
  const loadExecution = async (tenant: string, agentId: string, id: string) => {
    await loadAgent(ctx, tenant, agentId)
    const found = await ctx.store.run(ExecutionRecordRepository.findExecution(tenant, agentId, id))
    if (!found) throw recordNotFound(id)
    return found
  }

  return {
    executeAgent: async ({ path, body, key }) => {
      const agent = await loadAgent(ctx, path.tenant, path.agent)
      if (agent.currentRevision === 0) {
        throw HttpProblem.conflict("no-deployed-revision", "No deployed revision", `agent "${agent.id}" has no deployed revision to execute`)
      }
      const revision = await ctx.store.run(AgentRepository.findRevision(agent.tenantId, agent.id, agent.currentRevision, agent.currentRevision))
      const flow = parseFlow(revision === undefined ? undefined : FlowSecrets.open(ctx.secrets, revision.flow))
      if (Either.isLeft(flow)) throw HttpProblem.of("InvalidRequest", {
        status: 422,
        type: "invalid-flow",
        title: "The deployed revision's flow cannot run",
        extensions: { errors: flow.left }
      })
      return executeAndRecord(ctx, {
        tenant: agent.tenantId,
        agentId: agent.id,
        agentRevision: agent.currentRevision,
        flow: flow.right,
        parameters: body.parameters ?? {},
        sessionId: body.sessionId,
        environmentSlug: body.environmentSlug,
        mode: body.mode,
        key
      })
    },

    listExecutionRecords: async ({ path, query }) => {
      await loadAgent(ctx, path.tenant, path.agent)
      return ctx.store.run(
        ExecutionRecordRepository.listExecutions(
          path.tenant,
          path.agent,
          {
            startTime: query.startTime,
            endTime: query.endTime,
            environmentSlug: query.environmentSlug,
            status: query.status,
            agentRevision: query.agentRevision
          },
          pageRequest(query)
        )
      )
    },

    getExecutionRecord: async ({ path }) => {
      const found = await loadExecution(path.tenant, path.agent, path.executionRecord)
      const sampled = await ctx.store.run(ExecutionRecordRepository.isSample(found.id))
      return ExecutionRecordRepository.toExecutionRecord(found, sampled)
    },

    getExecutionRecordTrace: async ({ path }) => {
      const found = await loadExecution(path.tenant, path.agent, path.executionRecord)
      return { status: found.status, trace: found.trace }
    },

    getExecutionRecordResult: async ({ path }) => {
      const found = await loadExecution(path.tenant, path.agent, path.executionRecord)
      return {
        agentExecutionRecordId: found.id,
        agentId: found.agentId,
        agentRevision: found.agentRevision,
        parameters: found.parameters,
        result: found.result,
        createdAt: found.createdAt,
        tenantId: found.tenantId
      }
    },

    addToDatasets: async ({ path, body, key }) => {
      const datasetIds = [...new Set(body.datasetIds ?? [])]
      if (datasetIds.length === 0) {
        throw HttpProblem.invalid(
          [{ path: "body.datasetIds", message: "datasetIds must name at least one dataset" }],
          "datasetIds must name at least one dataset"
        )
      }
      if (datasetIds.length > MAX_DATASETS_PER_CALL) {
        throw HttpProblem.invalid(
          [{ path: "body.datasetIds", message: `must name at most ${MAX_DATASETS_PER_CALL} datasets per call` }],
          `add the execution to at most ${MAX_DATASETS_PER_CALL} datasets per call; nothing was added`
        )
      }
      await loadAgent(ctx, path.tenant, path.agent)
      return ctx.store.transaction(withKey(key,
        Effect.gen(function* () {
          const execution = yield* ExecutionRecordRepository.findExecution(path.tenant, path.agent, path.executionRecord)
          if (!execution) return yield* Effect.fail(recordNotFound(path.executionRecord))
          const now = Date.now()
          const samples: Array<SampleRepository.StoredSample> = []
          for (const datasetId of datasetIds) {
            const datasetName = yield* DatasetRepository.findDatasetName(path.tenant, path.agent, datasetId)
            if (datasetName === undefined) {
              return yield* Effect.fail(
                HttpProblem.notFound("Dataset", `dataset "${datasetId}" does not exist for agent "${path.agent}"; nothing was added`)
              )
            }
            const sampleId = randomUUID()
            const sample: SampleRepository.StoredSample = {
              id: sampleId,
              tenantId: path.tenant,
              agentId: path.agent,
              datasetId,
              executionId: execution.id,
              inputPayload: execution.parameters,
              output: execution.response,
              agentRevision: execution.agentRevision,
              quality: body.quality ?? "UNSPECIFIED",
              isGolden: datasetName === GOLDEN_DATASET_NAME,
              createdBy: ctx.actor,
              createdAt: now,
              modifiedAt: now,
              tags: (body.tags ?? []).map((tag) => ({ id: randomUUID(), tenantId: path.tenant, sampleId, tag, sample: null }))
            }
            yield* SampleRepository.insertSample(sample)
            samples.push(sample)
          }
          return samples.map(SampleRepository.toEvaluationSample)
        })
      ))
    },

    listExecutionRecordSamples: async ({ path }) => {
      const found = await loadExecution(path.tenant, path.agent, path.executionRecord)
      const samples = await ctx.store.run(SampleRepository.listSamplesOfExecution(path.tenant, found.id))
      return samples.map(SampleRepository.toExecutionRecordSample)
    },

    deleteExecutionRecordSamples: async ({ path }) => {
      const found = await loadExecution(path.tenant, path.agent, path.executionRecord)
      await ctx.store.transaction(SampleRepository.deleteSamplesOfExecution(path.tenant, found.id))
    }
  }
}
