import { describe, expect, it } from "vitest"
import { render } from "ink-testing-library"
import type { StepTrace } from "@fruxkit/core"
import { TraceTree, stepCost, visibleSteps } from "./TraceTree.js"

const step = (id: string, patch: Partial<StepTrace> = {}): StepTrace =>
  ({ id, displayName: id, type: "FLOW_STEP", llmStepTrace: null, toolTrace: null, hitlTrace: null, steps: [], result: null, status: "SUCCESS", error: "", startTime: 0, endTime: 0, duration: 120, ...patch }) as StepTrace

const tree = [
  step("plan", {
    steps: [
      step("ask_llm", { type: "LLM_STEP", llmStepTrace: { inputCost: 0.001, outputCost: 0.002, cachedCost: 0 } as StepTrace["llmStepTrace"] }),
      step("call_tool", { type: "TOOL", status: "ERROR", error: "timeout\ncalling orders", toolTrace: { cost: 0.0005 } as StepTrace["toolTrace"] })
    ]
  }),
  step("reply")
]

describe("TraceTree", () => {
  it("shows only expanded steps' children, with type, status, duration, cost and error", () => {
    expect(visibleSteps(tree, new Set()).map((r) => r.path)).toEqual(["0", "1"])
    const open = visibleSteps(tree, new Set(["0"]))
    expect(open.map((r) => `${r.depth}:${r.step.id}`)).toEqual(["0:plan", "1:ask_llm", "1:call_tool", "0:reply"])
    const { lastFrame } = render(<TraceTree rows={open} expanded={new Set(["0"])} cursor={2} height={10} width={80} focused />)
    const frame = lastFrame()!
    expect(frame).toContain("▾ plan")
    expect(frame).toMatch(/ask_llm LLM_STEP 120ms \$0\.00300 SUCCESS/)
    expect(frame).toMatch(/call_tool TOOL 120ms \$0\.00050 ERROR — timeout calling orders/)
    expect(frame.split("\n")).toHaveLength(4)
  })

  it("sums an LLM step's costs and takes a tool's own", () => {
    expect(stepCost(tree[0]!.steps[0]!)).toBeCloseTo(0.003)
    expect(stepCost(tree[0]!.steps[1]!)).toBe(0.0005)
    expect(stepCost(tree[1]!)).toBe(0)
  })
})
