/** What a trace step cost: its LLM call's input, output and cached tokens, or its tool's cost. Pure, so commands can use it without loading the UI. */
import type { StepTrace } from "@fruxkit/core"

export const stepCost = (step: StepTrace): number =>
  step.llmStepTrace ? step.llmStepTrace.inputCost + step.llmStepTrace.outputCost + step.llmStepTrace.cachedCost : (step.toolTrace?.cost ?? 0)
