import * as Either from "effect/Either"
import { describe, expect, it } from "vitest"
import { makeOfflineChatModel, type ChatModel } from "../src/runtime/ChatModel.js"
import { parseFlow } from "../src/runtime/flow-definition.js"
import { runFlow } from "../src/runtime/flow-runner.js"
import { makeOutboundPolicy } from "../src/runtime/outbound-policy.js"

const flowOf = (flow: unknown) => {
  const parsed = parseFlow(flow)
  if (Either.isLeft(parsed)) throw new Error(JSON.stringify(parsed.left))
  return parsed.right
}

const run = (flow: unknown, model: ChatModel = makeOfflineChatModel()) =>
  runFlow(
    { agentId: "a", agentRevision: 1, flow: flowOf(flow), parameters: { question: "refund?" }, sessionId: "s", history: [], mode: "PRODUCTION", outbound: makeOutboundPolicy() },
    model
  )

describe("group steps", () => {
  it("run their steps in order, traced inside the group, and later steps read the inner outputs", async () => {
    const outcome = await run({
      steps: [
        { type: "group", id: "prep", name: "Prepare", steps: [{ type: "template", id: "q", template: "Q: {{question}}" }, { type: "group", steps: [{ type: "template", id: "deep", template: "{{steps.q}}!" }] }] },
        { type: "template", id: "out", template: "{{steps.deep}} / {{steps.prep}}" }
      ]
    })
    expect(outcome.status).toBe("COMPLETED")
    expect(outcome.response).toBe("Q: refund?! / Q: refund?!")
    const [group, out] = outcome.trace.traces
    expect(group).toMatchObject({ id: "prep", displayName: "Prepare", type: "FLOW_STEP", status: "SUCCESS", result: { strValue: "Q: refund?!" } })
    expect(group!.steps.map((s) => s.id)).toEqual(["q", "prep.step2"])
    expect(group!.steps[1]!.steps.map((s) => s.id)).toEqual(["deep"])
    expect(out!.status).toBe("SUCCESS")
  })

  it("fail with their failing inner step, and nothing after it runs", async () => {
    const failing: ChatModel = { complete: async () => Promise.reject(new Error("model down")) }
    const outcome = await run(
      { steps: [{ type: "group", name: "Answer", steps: [{ type: "llm", prompt: "{{question}}" }, { type: "template", template: "never" }] }, { type: "template", template: "never" }] },
      failing
    )
    expect(outcome.status).toBe("FAILED")
    expect(outcome.trace.traces).toHaveLength(1)
    expect(outcome.trace.traces[0]).toMatchObject({ status: "ERROR", error: "model down" })
    expect(outcome.trace.traces[0]!.steps.map((s) => s.status)).toEqual(["ERROR"])
  })

  it("are checked like the flow: an empty group is refused", () => {
    expect(Either.isLeft(parseFlow({ steps: [{ type: "group", steps: [] }] }))).toBe(true)
  })
})
