import { describe, expect, it } from "vitest"
import { createMetrics } from "../metrics.js"
import { createUpstreamClient } from "./core-client.js"
import type { Upstream, UpstreamRequest } from "./index.js"

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))

describe("the gateway's own core client", () => {
  it("counts run reads (matched by core's router) as polls, and nothing else", async () => {
    const seen: Array<string> = []
    const upstream: Upstream = {
      mode: "embedded",
      description: "test",
      close: async () => {},
      send: async (request: UpstreamRequest) => {
        seen.push(`${request.method} ${request.path}`)
        // Not a valid run or agent: the counting happens before decoding, and the call fails to decode.
        return { status: 200, headers: { "content-type": "application/json" }, body: json({}) }
      }
    }
    const metrics = createMetrics()
    const client = createUpstreamClient(upstream, metrics)
    const ignore = (promise: Promise<unknown>) => promise.then(() => undefined, () => undefined)
    await ignore(client.getEvaluationRun({ tenant: "t", agent: "a", evaluationRun: "r1" }))
    await ignore(client.getEvaluationRun({ tenant: "t", agent: "a", evaluationRun: "r2" }))
    await ignore(client.getAgent({ tenant: "t", agent: "a" }))
    await ignore(client.listEvaluationRunSamples({ tenant: "t", agent: "a", evaluationRun: "r1" }))
    expect(seen.length).toBeGreaterThanOrEqual(4)
    const polls = await metrics.upstreamPolls.get()
    expect(polls.values).toEqual([expect.objectContaining({ labels: { route: "getEvaluationRun" }, value: 2 })])
  })
})
