import { afterEach, describe, expect, it } from "vitest"
import { keys, renderApp, type Rendered } from "../../../test/render-app.js"

let app: Rendered | undefined
afterEach(async () => {
  await app?.cleanup()
  app = undefined
})

describe("HistoryScreen", () => {
  it("pages through past runs with the API's cursor and opens one", async () => {
    app = await renderApp({ route: { screen: "history", agentId: "support_bot" } })
    const template = app.fake.model.runs[0]!
    for (let i = 1; i <= 25; i++) {
      app.fake.model.runs.push({ ...template, id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, score: i / 10 })
    }
    const first = await app.waitFor("page 1 · 26 runs in all")
    expect(first).toContain("n next page")
    expect(first).not.toContain("p prev page")
    // Each run names its dataset, and the selected one's full id is there to copy.
    expect(await app.waitFor(/9a8b7c6d .* golden\n/)).toContain("id 9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d")
    await app.press("n")
    const second = await app.waitFor("page 2 · 26 runs in all")
    expect(second).toContain("00000000")
    expect(second).toContain("p prev page")
    expect(app.fake.lines().filter((r) => r.endsWith("/evaluationRuns"))).toHaveLength(2)
    await app.press("p")
    await app.waitFor("page 1")
    await app.press(keys.enter)
    await app.waitFor("run 9a8b7c6d · COMPLETED")
  })
})

describe("comparing two runs", () => {
  it("marks a base with Space, compares it with the selected run (c), sample by sample, worst first", async () => {
    app = await renderApp({
      route: { screen: "history", agentId: "support_bot" },
      // Two runs of the same dataset: the second one's sample 3 drops from 9.5 to 2 (it regressed).
      fake: {
        sample: (result, i, runId) =>
          runId.endsWith("b2") && i === 3
            ? { ...result, llmEvaluation: { ...(result.llmEvaluation as object), score: 2, overallAssessment: "WORSE" } }
            : result
      }
    })
    const template = app.fake.model.runs[0]!
    app.fake.model.runs.push({ ...template, id: "00000000-0000-4000-8000-0000000000b2", candidateRevision: 3, score: 6 })
    await app.waitFor("2 runs in all")
    await app.press(" ")
    await app.waitFor("base ◆ 9a8b7c6d: c compares it")
    await app.press("j", "c")
    const compared = await app.waitFor("improved 0 · regressed 1 · unchanged 3 · flipped 1")
    expect(compared).toContain("base 9a8b7c6d  rev 2 vs deployed 1  score 9.10")
    expect(compared).toContain("head 00000000  rev 3 vs deployed 1  score 6.00")
    // Worst first: the sample that regressed leads, with both scores, the delta and both assessments.
    const rows = compared.split("\n").filter((line) => /#\d/.test(line))
    expect(rows[0]).toMatch(/#3 +regressed +9\.50 → 2\.00 +−7\.50 +BETTER → WORSE +flipped/)
    expect(rows.slice(1).every((row) => row.includes("unchanged"))).toBe(true)
  })
})
