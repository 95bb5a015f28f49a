/**
 * One recorded execution of an agent (a draft test or `:execute`): check
 * the environment cap, continue the session, run the flow, then store the
 * execution record, the session and any new environment in one
 * transaction before answering.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import { randomUUID } from "node:crypto"
import type { DraftTestResponse } from "@fruxkit/core"
import type { LocalContext } from "../LocalContext.js"
import * as EnvironmentRepository from "../store/EnvironmentRepository.js"
import * as ExecutionRecordRepository from "../store/ExecutionRecordRepository.js"
import { HttpProblem } from "../routes/HttpProblem.js"
import type { FlowDefinition } from "./flow-definition.js"
import { runFlow, type ExecutionModeName } from "./flow-runner.js"
import type { CreateKey } from "../routes/keyed-create.js"

export interface ExecutionRequest {
  readonly tenant: string
  readonly agentId: string
  readonly agentRevision: number
  readonly flow: FlowDefinition
  readonly parameters: Readonly<Record<string, unknown>>
  readonly sessionId: string | null | undefined
  readonly environmentSlug: string | null | undefined
  readonly mode: string | undefined
  /** The call's Idempotency-Key: committed with the execution record. */
  readonly key?: CreateKey | undefined
}

const environmentCapProblem = (cap: number, slug: string) =>
  // 422, not 409: clients read a 409 from draft:test as "stale draft".
  HttpProblem.of("InvalidRequest", {
    status: 422,
    type: "environment-cap-reached",
    title: "Environment cap reached",
    detail: `creating environment "${slug}" would exceed this tenant's cap of ${cap} environments; reuse an existing environmentSlug`,
    extensions: { environmentCap: cap }
  })

/** Fails before anything runs when the slug is new and the tenant is at its cap. */
const checkEnvironment = (tenant: string, slug: string, cap: number) =>
  Effect.gen(function* () {
    if (yield* EnvironmentRepository.environmentExists(tenant, slug)) return
    if ((yield* EnvironmentRepository.countEnvironments(tenant)) >= cap) return yield* Effect.fail(environmentCapProblem(cap, slug))
  })

/** UNSPECIFIED means the default, production. */
export const modeOf = (mode: string | undefined): ExecutionModeName => (mode === "SANDBOX" ? "SANDBOX" : "PRODUCTION")

export const executeAndRecord = async (ctx: LocalContext, request: ExecutionRequest): Promise<DraftTestResponse> => {
  const slug = request.environmentSlug ?? null
  if (slug !== null) await ctx.store.run(checkEnvironment(request.tenant, slug, ctx.environmentCap))
  const sessionId = request.sessionId ?? randomUUID()
  const history = await ctx.store.run(EnvironmentRepository.findSessionHistory(request.tenant, request.agentId, sessionId))
  const mode = modeOf(request.mode)
  const outcome = await runFlow(
    {
      agentId: request.agentId,
      agentRevision: request.agentRevision,
      flow: request.flow,
      parameters: request.parameters,
      sessionId,
      history,
      mode,
      outbound: ctx.outbound
    },
    ctx.chatModel
  )
  const id = randomUUID()
  const now = Date.now()
  const answer: DraftTestResponse = {
    response: outcome.response,
    trace: outcome.trace,
    sessionId,
    links: [],
    executionRecordId: id,
    status: outcome.status,
    humanApprovalRequestId: null,
    messageBlocks: []
  }
  await ctx.store.transaction(
    Effect.gen(function* () {
      yield* SqlClient.SqlClient
      if (slug !== null) {
        // Checked again inside the transaction: two first uses racing for the last slot.
        yield* checkEnvironment(request.tenant, slug, ctx.environmentCap)
        yield* EnvironmentRepository.insertEnvironment(request.tenant, slug, now)
      }
      yield* ExecutionRecordRepository.insertExecution({
        id,
        tenantId: request.tenant,
        agentId: request.agentId,
        agentRevision: request.agentRevision,
        startTime: outcome.trace.startTime,
        endTime: outcome.trace.endTime,
        status: outcome.status,
        inputTokens: outcome.inputTokens,
        outputTokens: outcome.outputTokens,
        environmentSlug: slug,
        sessionId,
        mode,
        parameters: { ...request.parameters },
        response: outcome.response,
        result: outcome.result,
        trace: outcome.trace,
        inputCost: outcome.inputCost,
        outputCost: outcome.outputCost,
        totalCost: outcome.totalCost,
        createdAt: now
      })
      yield* EnvironmentRepository.saveSessionHistory(request.tenant, request.agentId, sessionId, outcome.history, now)
      if (request.key !== undefined) yield* request.key.recordWith(answer)
    })
  )
  return answer
}
