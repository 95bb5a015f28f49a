/**
 * Runs a flow: each step in order, each traced (core's StepTrace: timing,
 * status, error, token-based cost). The first failing step ends the run
 * with status FAILED; the trace keeps what ran.
 */
import type { ExecutionTrace, StepResult, StepTrace } from "@fruxkit/core"
import type { ChatMessage, ChatModel } from "./ChatModel.js"
import { DeadlineExceeded } from "./deadline.js"
import { callExternalAgent, redactExternalParameters } from "./external-agent.js"
import { OutboundRefused, type OutboundPolicy } from "./outbound-policy.js"
import { shownText } from "./shown-text.js"
import type { FlowDefinition, FlowStep, LeafStep } from "./flow-definition.js"
import { estimateTokens, tokenCost } from "./pricing.js"
import { interpolate, interpolateDeep, pick, userTurn } from "./template.js"

export type ExecutionModeName = "PRODUCTION" | "SANDBOX"

export interface FlowRunInput {
  readonly agentId: string
  readonly agentRevision: number
  readonly flow: FlowDefinition
  readonly parameters: Readonly<Record<string, unknown>>
  readonly sessionId: string
  readonly history: ReadonlyArray<ChatMessage>
  readonly mode: ExecutionModeName
  readonly signal?: AbortSignal | undefined
  /** Where http and external steps may connect (outbound-policy.ts). */
  readonly outbound: OutboundPolicy
}

export interface FlowRunOutcome {
  readonly status: "COMPLETED" | "FAILED"
  readonly response: string
  readonly error: string | undefined
  readonly result: StepResult | null
  readonly trace: ExecutionTrace
  readonly inputTokens: number
  readonly outputTokens: number
  readonly inputCost: number
  readonly outputCost: number
  readonly totalCost: number
  /** The conversation after this turn (for sessionId continuity). */
  readonly history: ReadonlyArray<ChatMessage>
}

interface StepOutcome {
  readonly output: string
  readonly json: unknown
  readonly inputTokens: number
  readonly outputTokens: number
  readonly inputCost: number
  readonly outputCost: number
  readonly trace: Pick<StepTrace, "llmStepTrace" | "toolTrace">
}

const stepType = (step: FlowStep): StepTrace["type"] =>
  step.type === "llm" ? "LLM_STEP" : step.type === "http" ? "TOOL" : step.type === "external" ? "EXTERNAL_AGENT" : "FLOW_STEP"

const DEFAULT_HTTP_TIMEOUT_MS = 10_000

export class StepError extends Error {}

const runStep = async (
  step: LeafStep,
  scope: Record<string, unknown>,
  input: FlowRunInput,
  model: ChatModel
): Promise<StepOutcome> => {
  const none = { llmStepTrace: null, toolTrace: null }
  switch (step.type) {
    case "template": {
      const output = interpolate(step.template, scope)
      return { output, json: null, inputTokens: 0, outputTokens: 0, inputCost: 0, outputCost: 0, trace: none }
    }
    case "llm": {
      const messages: Array<ChatMessage> = []
      if (step.system) messages.push({ role: "system", content: interpolate(step.system, scope) })
      messages.push(...input.history, { role: "user", content: interpolate(step.prompt, scope) })
      const completion = await model.complete({
        messages,
        model: step.model,
        temperature: step.temperature,
        signal: input.signal
      })
      const cost = tokenCost(completion.inputTokens, completion.outputTokens)
      return {
        output: completion.content,
        json: null,
        inputTokens: completion.inputTokens,
        outputTokens: completion.outputTokens,
        inputCost: cost.inputCost,
        outputCost: cost.outputCost,
        trace: {
          toolTrace: null,
          llmStepTrace: {
            providerId: completion.providerId,
            model: completion.model,
            inputTokens: completion.inputTokens,
            outputTokens: completion.outputTokens,
            cachedTokens: 0,
            thinkingTokens: 0,
            inputCost: cost.inputCost,
            outputCost: cost.outputCost,
            cachedCost: 0,
            tools: [],
            llmMessages: [...messages, { role: "assistant", content: completion.content }]
          }
        }
      }
    }
    case "http": {
      // SANDBOX uses the sandbox variant when the step has one, else falls back to production.
      const url = input.mode === "SANDBOX" && step.sandboxUrl ? step.sandboxUrl : step.url
      const method = step.method ?? (step.body === undefined ? "GET" : "POST")
      const body = step.body === undefined ? undefined : JSON.stringify(interpolateDeep(step.body, scope))
      const timeoutMs = step.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS
      let text: string
      try {
        const response = await input.outbound.fetch(interpolate(url, scope), {
          method,
          headers: body === undefined ? {} : { "content-type": "application/json" },
          ...(body === undefined ? {} : { body }),
          signal: input.signal,
          timeoutMs
        })
        if (!response.ok) throw new StepError(`http tool answered HTTP ${response.status}`)
        text = response.text
      } catch (error) {
        if (input.signal?.aborted || error instanceof StepError) throw error
        if (error instanceof OutboundRefused) throw new StepError(`http tool not called: ${error.message}`)
        throw new StepError(error instanceof DeadlineExceeded ? `http tool did not answer within ${timeoutMs} ms` : "http tool unreachable")
      }
      let json: unknown = null
      try {
        json = JSON.parse(text)
      } catch {
        json = null
      }
      const picked = step.resultPath && json !== null ? pick(json as Record<string, unknown>, step.resultPath) : undefined
      const output = picked === undefined ? text : typeof picked === "string" ? picked : JSON.stringify(picked)
      return {
        output,
        json,
        inputTokens: 0,
        outputTokens: 0,
        inputCost: 0,
        outputCost: 0,
        trace: {
          llmStepTrace: null,
          toolTrace: {
            tool: { integrationId: "http", id: step.id ?? "http" },
            displayName: step.name ?? "HTTP tool",
            toolType: "HTTP",
            parameters: { url: shownText(url), method },
            cost: 0
          }
        }
      }
    }
    case "external": {
      const reply = await callExternalAgent(step.parameters, { parameters: input.parameters, sessionId: input.sessionId }, input.signal, input.outbound)
      const inputTokens = reply.inputTokens ?? estimateTokens(JSON.stringify(input.parameters))
      const outputTokens = reply.outputTokens ?? estimateTokens(reply.response)
      const cost = tokenCost(inputTokens, outputTokens)
      const total = reply.cost ?? cost.totalCost
      const inputCost = reply.cost === undefined ? cost.inputCost : 0
      const outputCost = reply.cost === undefined ? cost.outputCost : reply.cost
      return {
        output: reply.response,
        json: null,
        inputTokens,
        outputTokens,
        inputCost,
        outputCost,
        trace: {
          llmStepTrace: null,
          toolTrace: {
            tool: { integrationId: "external-agent", id: step.id ?? "external_agent" },
            displayName: step.name ?? "External agent",
            toolType: "EXTERNAL_AGENT",
            // Secrets (auth_header_value, api_key, …) never enter a trace.
            parameters: redactExternalParameters(step.parameters),
            cost: total
          }
        }
      }
    }
  }
}

export const runFlow = async (input: FlowRunInput, model: ChatModel): Promise<FlowRunOutcome> => {
  const startTime = Date.now()
  const steps: Record<string, string> = {}
  const scope: Record<string, unknown> = { ...input.parameters, parameters: input.parameters, steps, last: "" }
  let inputTokens = 0
  let outputTokens = 0
  let inputCost = 0
  let outputCost = 0
  let failure: string | undefined
  let lastJson: unknown = null
  /**
   * Run steps in order, each traced; a `group` runs its own steps the same
   * way (they share the scope: `{{steps.x}}` reaches an inner step) and is
   * traced as a FLOW_STEP holding their traces. The first failure stops
   * everything, the enclosing groups failing with it.
   */
  const runSteps = async (list: ReadonlyArray<FlowStep>, idPrefix: string): Promise<Array<StepTrace>> => {
    const traces: Array<StepTrace> = []
    for (const [index, step] of list.entries()) {
      const stepStart = Date.now()
      const id = step.id ?? `${idPrefix}step${index + 1}`
      if (step.type === "group") {
        const inner = await runSteps(step.steps, `${id}.`)
        const stepEnd = Date.now()
        if (failure === undefined) steps[id] = String(scope.last)
        traces.push({
          id,
          displayName: step.name ?? id,
          type: "FLOW_STEP",
          llmStepTrace: null,
          toolTrace: null,
          hitlTrace: null,
          steps: inner,
          result: failure === undefined ? { strValue: String(scope.last), jsonValue: lastJson, fileLink: null } : null,
          status: failure === undefined ? "SUCCESS" : "ERROR",
          error: failure ?? "",
          startTime: stepStart,
          endTime: stepEnd,
          duration: stepEnd - stepStart
        })
        if (failure !== undefined) break
        continue
      }
      try {
        const outcome = await runStep(step, scope, input, model)
        const stepEnd = Date.now()
        steps[id] = outcome.output
        scope.last = outcome.output
        lastJson = outcome.json
        inputTokens += outcome.inputTokens
        outputTokens += outcome.outputTokens
        inputCost += outcome.inputCost
        outputCost += outcome.outputCost
        traces.push({
          id,
          displayName: step.name ?? id,
          type: stepType(step),
          ...outcome.trace,
          hitlTrace: null,
          steps: [],
          result: { strValue: outcome.output, jsonValue: outcome.json, fileLink: null },
          status: "SUCCESS",
          error: "",
          startTime: stepStart,
          endTime: stepEnd,
          duration: stepEnd - stepStart
        })
      } catch (error) {
        if (input.signal?.aborted) throw error
        const stepEnd = Date.now()
        // Step errors are stored in traces and samples and summarised into concerns: redacted and bounded.
        failure = shownText(error instanceof Error ? error.message : String(error))
        traces.push({
          id,
          displayName: step.name ?? id,
          type: stepType(step),
          llmStepTrace: null,
          toolTrace: null,
          hitlTrace: null,
          steps: [],
          result: null,
          status: "ERROR",
          error: failure,
          startTime: stepStart,
          endTime: stepEnd,
          duration: stepEnd - stepStart
        })
        break
      }
    }
    return traces
  }
  const traces = await runSteps(input.flow.steps, "")
  const endTime = Date.now()
  const response = failure === undefined ? (input.flow.output ? interpolate(input.flow.output, scope) : String(scope.last)) : ""
  const result: StepResult | null = failure === undefined ? { strValue: response, jsonValue: lastJson, fileLink: null } : null
  const trace: ExecutionTrace = {
    agentId: input.agentId,
    agentRevision: input.agentRevision,
    createdAt: startTime,
    parameters: { ...input.parameters },
    startTime,
    endTime,
    duration: endTime - startTime,
    traces,
    result,
    inputCost,
    outputCost,
    totalCost: inputCost + outputCost
  }
  const history =
    failure === undefined
      ? [...input.history, { role: "user" as const, content: userTurn(input.parameters) }, { role: "assistant" as const, content: response }]
      : input.history
  return {
    status: failure === undefined ? "COMPLETED" : "FAILED",
    response,
    error: failure,
    result,
    trace,
    inputTokens,
    outputTokens,
    inputCost,
    outputCost,
    totalCost: inputCost + outputCost,
    history
  }
}
