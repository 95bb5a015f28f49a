import * as Schema from "effect/Schema"
import { EvaluationRun } from "@fruxkit/core"
import { describe, expect, it } from "vitest"
import { snapshotOf } from "./run-watchers.js"
import { UpstreamRunBodies } from "./upstream-run-bodies.js"

const decodeRun = Schema.decodeUnknownSync(EvaluationRun, { onExcessProperty: "ignore" })

describe("a run re-encoded from the upstream's body", () => {
  const body = {
    id: "r1",
    status: "Completed",
    modifiedAt: 7,
    added: { by: "a newer Fruxon" },
    summary: { totalSamples: 2, topConcerns: ["x"], addedInSummary: true }
  }

  it("keeps the fields core does not know, at any depth; core's reading wins where both have one", () => {
    const run = decodeRun(body)
    const json = JSON.parse(snapshotOf(run, body).json) as Record<string, any>
    expect(json.status).toBe("COMPLETED")
    expect(json.added).toEqual({ by: "a newer Fruxon" })
    expect(json.summary).toMatchObject({ totalSamples: 2, topConcerns: ["x"], addedInSummary: true })
    expect(JSON.parse(snapshotOf(run).json).added).toBeUndefined()
  })

  it("is used only for the run it came from, once, and at most `max` are held", () => {
    const bodies = new UpstreamRunBodies(2)
    bodies.record("t/a/r1", body)
    expect(bodies.take("t/a/r1", decodeRun({ ...body, modifiedAt: 8 }))).toBeUndefined()
    expect(bodies.take("t/a/r1", decodeRun(body))).toBe(body)
    expect(bodies.take("t/a/r1", decodeRun(body))).toBeUndefined()
    for (const id of ["r2", "r3", "r4"]) bodies.record(`t/a/${id}`, { ...body, id })
    expect(bodies.size).toBe(2)
  })
})
