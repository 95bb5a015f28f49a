/**
 * One sample of a run: run base, then candidate, over the sample's input,
 * then judge the pair. Executions made here are not execution records
 * (they would flood the history); their traces live in the run's results.
 */
import type { DraftTestResponse, EvaluationRunSampleResult } from "@fruxkit/core"
import { randomUUID } from "node:crypto"
import type { ChatModel } from "../runtime/ChatModel.js"
import type { FlowDefinition } from "../runtime/flow-definition.js"
import type { OutboundPolicy } from "../runtime/outbound-policy.js"
import { runFlow, type FlowRunOutcome } from "../runtime/flow-runner.js"
import type { SampleToEvaluate } from "../store/SampleRepository.js"
import type { RunSampleRow } from "../store/RunStore.js"
import { JudgeError, type Judge, type JudgedExecution } from "./Judge.js"

export interface RunPlan {
  readonly agentId: string
  readonly base: { readonly revision: number; readonly flow: FlowDefinition }
  readonly candidate: { readonly revision: number; readonly flow: FlowDefinition }
}

const asResponse = (outcome: FlowRunOutcome, sessionId: string): DraftTestResponse => ({
  response: outcome.response,
  trace: outcome.trace,
  sessionId,
  links: [],
  executionRecordId: "",
  status: outcome.status,
  humanApprovalRequestId: null,
  messageBlocks: []
})

const judged = (outcome: FlowRunOutcome): JudgedExecution => ({
  status: outcome.status,
  response: outcome.response,
  error: outcome.error,
  durationMs: outcome.trace.duration,
  cost: outcome.totalCost
})

export const evaluateSample = async (
  plan: RunPlan,
  sample: SampleToEvaluate,
  sampleIndex: number,
  deps: { readonly chatModel: ChatModel; readonly judge: Judge; readonly outbound: OutboundPolicy },
  signal: AbortSignal
): Promise<RunSampleRow> => {
  const run = (side: RunPlan["base"]) => {
    const sessionId = randomUUID()
    return runFlow(
      {
        agentId: plan.agentId,
        agentRevision: side.revision,
        flow: side.flow,
        parameters: sample.inputPayload,
        sessionId,
        history: [],
        mode: "PRODUCTION",
        signal,
        outbound: deps.outbound
      },
      deps.chatModel
    ).then((outcome) => ({ outcome, sessionId }))
  }
  const base = await run(plan.base)
  const candidate = await run(plan.candidate)
  const result = {
    sampleId: sample.id,
    sampleIndex,
    parameters: sample.inputPayload,
    baseRevisionResult: asResponse(base.outcome, base.sessionId),
    candidateRevisionResult: asResponse(candidate.outcome, candidate.sessionId),
    systemEvaluation: {
      baseRuntimeMs: base.outcome.trace.duration,
      candidateRuntimeMs: candidate.outcome.trace.duration,
      baseCost: base.outcome.totalCost,
      candidateCost: candidate.outcome.totalCost
    }
  }
  try {
    const llmEvaluation = await deps.judge.judge(
      { parameters: sample.inputPayload, expected: sample.output, base: judged(base.outcome), candidate: judged(candidate.outcome) },
      signal
    )
    return { sampleIndex, sampleId: sample.id, failed: false, result: { ...result, llmEvaluation } }
  } catch (error) {
    if (signal.aborted) throw error
    if (!(error instanceof JudgeError)) throw error
    return { sampleIndex, sampleId: sample.id, failed: true, result: { ...result, llmEvaluation: judgeFailure(error.title, error.message) } }
  }
}

/** The verdict slot of a sample the judge could not judge: says why, scores nothing. */
export const judgeFailure = (title: string, detail: string): NonNullable<EvaluationRunSampleResult["llmEvaluation"]> => ({
  score: 0,
  overallAssessment: "EVALUATION_FAILED",
  summary: `${title}: ${detail}`,
  analysis: "",
  keyImprovements: [],
  concernsRisks: [],
  deploymentRecommendations: [],
  monitoringPriorities: [],
  errorCategory: "JUDGE_ERROR",
  errorTitle: title,
  errorRecommendation: "Check the judge model's configuration and output; this sample was not scored."
})
