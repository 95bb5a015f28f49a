import { afterEach, describe, expect, it } from "vitest"
import { keys, renderApp, type Rendered } from "../../../test/render-app.js"
import { GOLDEN } from "@fruxkit/testkit"

let app: Rendered | undefined
afterEach(async () => {
  await app?.cleanup()
  app = undefined
})

const frameFits = (frame: string, columns: number, rows: number) => {
  const lines = frame.split("\n")
  expect(lines.length).toBeLessThan(rows)
  for (const line of lines) expect([...line].length).toBeLessThanOrEqual(columns)
}

describe("EvaluateScreen → RunScreen", () => {
  it("starts a run of the candidate revision on golden and follows it to its summary", async () => {
    app = await renderApp({ route: { screen: "evaluate", agentId: "support_bot" }, fake: { samples: 4, step: 2, score: 7.5 } })
    await app.waitFor("‹ revision 2 ›")
    expect(app.frame()).toContain("‹ golden (8 samples) ›")
    await app.press("r")
    const running = await app.waitFor(/2\/4 {2}elapsed/)
    expect(running).toContain("IN_PROGRESS")
    expect(running).toContain("eta")
    const done = await app.waitFor(/COMPLETED · score 7\.50\n→ HOLD/)
    expect(done).toContain("4/4")
    expect(done).toContain("Score distribution")
    expect(done).toMatch(/BETTER\s+█+\s+3/)
    expect(done).toContain("runtime  base 5.0s")
    expect(done).toContain("candidate $0.0120")
    expect(done).toContain("Drops the order number")
    expect(done).toContain("Shorter, clearer answers")
    frameFits(done, 80, 24)
    expect(app.fake.lastBody()).toEqual({ datasetId: GOLDEN, candidateRevision: 2 })
  })

  it("masks an external agent's secrets while they are typed and sends them only in the request", async () => {
    app = await renderApp({ route: { screen: "evaluate", agentId: "support_bot" } })
    await app.waitFor("‹ revision 2 ›")
    await app.press(keys.down, keys.right)
    await app.waitFor("‹ external agent ›")
    await app.press(keys.down, keys.enter, "https://agent.example/run", keys.enter)
    await app.press(keys.down, keys.down, keys.down, keys.enter, "Bearer s3cret", keys.enter)
    const typed = await app.waitFor("•••••••••••••")
    expect(typed).not.toContain("s3cret")
    expect(typed).toContain("https://agent.example/run")
    await app.press("r")
    const external = await app.waitFor("external agent vs deployed rev 1")
    // Where the run is started, it says it will not be kept.
    expect(external).toContain("Transient run: not kept in history")
    expect(app.frame()).not.toContain("s3cret")
    expect(app.fake.lastBody()).toEqual({
      datasetId: GOLDEN,
      candidateExternalConfig: { parameters: { endpoint: "https://agent.example/run", auth_header_value: "Bearer s3cret" } }
    })
  })

  it("refuses an external candidate without an endpoint before sending anything", async () => {
    app = await renderApp({ route: { screen: "evaluate", agentId: "support_bot" } })
    await app.waitFor("‹ revision 2 ›")
    await app.press(keys.down, keys.right, "r")
    await app.waitFor("An external candidate needs an endpoint.")
    expect(app.fake.lines().some((r) => r.includes(":evaluate"))).toBe(false)
  })
})

describe("RunScreen samples", () => {
  const finished = { screen: "run", agentId: "support_bot", runId: "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d" } as const

  it("lists samples by score and by regression, and opens one side by side with the judge's analysis", async () => {
    app = await renderApp({ route: finished })
    await app.waitFor(/score 9\.10\n→ DEPLOY/)
    await app.press(keys.tab)
    // The heading shows at once; the rows once the samples arrived.
    const byScore = await app.waitFor(/Samples by score[\s\S]*#3/)
    const rows = byScore.split("\n").filter((line) => /#\d/.test(line))
    expect(rows.map((r) => /#(\d)/.exec(r)![1])).toEqual(["1", "2", "0", "3"])
    await app.press("s")
    const byRegression = await app.waitFor(/Samples by regression[\s\S]*#3/)
    const regressionRows = byRegression.split("\n").filter((line) => /#\d/.test(line))
    expect(regressionRows[0]).toContain("FAILED")
    expect(regressionRows[1]).toContain("#2")
    await app.press(keys.down, keys.enter) // sample #2
    const sample = await app.waitFor(/base answer 2\s+│ candidate answer 2/)
    // Positions follow the table's order (by regression), not the sample numbers.
    expect(sample).toContain("sample #2 (2/4)")
    expect(sample).toContain("Judge: score 7.00 · BETTER")
    expect(sample).toContain("The candidate answer 2 is compared with the base answer 2.")
    const third = /#(\d)/.exec(regressionRows[2]!)![1]
    expect(third).not.toBe("3")
    await app.press(keys.right)
    await app.waitFor(`sample #${third} (3/4)`)
    await app.press(keys.escape)
    await app.waitFor("Samples by regression")
  })

  it("shows a run that failed with its error", async () => {
    app = await renderApp({ route: { screen: "evaluate", agentId: "support_bot" }, fake: { samples: 2, step: 2, failRuns: true } })
    await app.waitFor("‹ revision 2 ›")
    await app.press("r")
    const failed = await app.waitFor("the judge could not be reached")
    expect(failed).toContain("FAILED")
  })
})

describe("layout", () => {
  it("adapts to a resize", async () => {
    app = await renderApp({ route: { screen: "agent", agentId: "support_bot" } })
    await app.waitFor("Revisions")
    frameFits(app.frame(), 80, 24)
    expect(app.frame().split("\n")).toHaveLength(23)
    expect([...app.frame().split("\n")[0]!]).toHaveLength(80)
    // (ink-testing-library's stdout is 100 columns wide, so that is the widest a test can see.)
    app.resize({ columns: 100, rows: 30 })
    await new Promise((resolve) => setTimeout(resolve, 50))
    const wide = app.frame()
    expect(wide.split("\n")).toHaveLength(29)
    // The title bar spans the new width: the connection label sits at its right edge.
    expect(wide.split("\n")[0]).toMatch(/^fruxkit · agent support_bot {20,}fake$/)
    expect([...wide.split("\n")[0]!]).toHaveLength(100)
    app.resize({ columns: 60, rows: 16 })
    await new Promise((resolve) => setTimeout(resolve, 50))
    const narrow = app.frame()
    frameFits(narrow, 60, 16)
    expect(narrow.split("\n")).toHaveLength(15)
  })
})

describe("cancelling", () => {
  it("x cancels a running evaluation and the run ends CANCELLED", async () => {
    app = await renderApp({ route: { screen: "evaluate", agentId: "support_bot" }, fake: { samples: 40, step: 1 } })
    await app.waitFor("‹ revision 2 ›")
    await app.press("r")
    await app.waitFor(/IN_PROGRESS[\s\S]*x cancel run/)
    await app.press("x")
    const cancelled = await app.waitFor(/run [0-9a-f]{8} · CANCELLED/)
    expect(cancelled).not.toContain("x cancel run")
    expect(app.fake.lines().some((r) => r.endsWith(":cancel"))).toBe(true)
  })
})

describe("a server without fruxkit's listings", () => {
  it("still shows the agent, says which parts are not available, and lets a candidate revision be typed", async () => {
    app = await renderApp({ route: { screen: "agent", agentId: "support_bot" }, fake: { withoutFruxkitListings: true, samples: 2, step: 2 } })
    const agent = await app.waitFor("Recent evaluation runs")
    expect(agent).toMatch(/\(not available here: Not found \(404\): no route GET \/revisions\)/)
    expect(agent).toContain("9a8b7c6d  COMPLETED")
    await app.press("e")
    await app.waitFor("‹ all datasets of the deployed revision ›")
    expect(app.frame()).toContain("‹ revision (type its number) ›")
    await app.press("r")
    await app.waitFor("Type the candidate's revision number.")
    await app.press(keys.down, keys.down, keys.enter, "2", keys.enter, "r")
    await app.waitFor("COMPLETED · score")
    expect(app.fake.lastBody()).toEqual({ candidateRevision: 2 })
  })
})

describe("from a dataset", () => {
  it("Enter on a dataset of the agent starts an evaluation on that dataset", async () => {
    app = await renderApp({ route: { screen: "agent", agentId: "support_bot" } })
    await app.waitFor("Datasets")
    await app.press(keys.tab, keys.down, keys.enter)
    await app.waitFor("‹ edge-cases (3 samples) ›")
  })
})

describe("reading a finished run at 80×24", () => {
  const route = { screen: "run", agentId: "support_bot", runId: "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d" } as const
  const concern = (n: number) => `Concern ${n}: the candidate answered the question about the refund policy without the order number the customer gave, ending ${n}-END`

  it("wraps the verdict and every concern, scrolls to the last, and counts samples as the chart does", async () => {
    app = await renderApp({ route })
    const run = app.fake.model.runs[0]!
    run.deploymentRecommendation = "DO_NOT_DEPLOY"
    run.summary = {
      ...(run.summary as object),
      successfulEvaluations: 4,
      failedEvaluations: 0,
      assessmentDistribution: { FAILED: 3, IMPROVED: 1 },
      topConcerns: [1, 2, 3, 4, 5].map(concern)
    }
    await app.waitFor("→ DO_NOT_DEPLOY")
    const first = await app.waitFor("dataset golden")
    frameFits(first, 80, 24)
    // The words say what the chart shows: 3 FAILED assessments are judged samples the candidate failed on.
    expect(first).toContain("4 samples · 4 judged (the candidate failed on 3) · 0 not judged")
    expect(first).toMatch(/FAILED\s+█+\s+3/)
    // The dataset by name, and the run's full id (copyable).
    expect(first).toContain("dataset golden")
    expect(first).toContain("run 9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d")
    // A concern longer than the screen is wrapped, not cut: its end is on the next line.
    expect(first).toMatch(/• Concern 1: .+\n +.*1-END/)
    expect(first).toContain("more lines below")
    await app.press("jjjjjjjjjjjj")
    const last = await app.waitFor("Shorter, clearer answers")
    frameFits(last, 80, 24)
    expect(last).toContain("5-END")
    expect(last).not.toContain("more lines below")
  })

  it("says the terminal is too small instead of drawing a broken frame, and comes back when it grows", async () => {
    app = await renderApp({ route, size: { columns: 50, rows: 16 } })
    const small = await app.waitFor("Terminal too small: 50×16")
    frameFits(small, 50, 16)
    app.resize({ columns: 80, rows: 24 })
    await app.waitFor("→ DEPLOY")
  })

  it("shows a difference, not a percentage of nothing, when the base took no time or cost nothing", async () => {
    app = await renderApp({
      route,
      fake: {
        sample: (result, i) =>
          i === 0
            ? { ...result, systemEvaluation: { baseRuntimeMs: 0, candidateRuntimeMs: 120, baseCost: 0, candidateCost: 0.001 } }
            : i === 3
              ? { ...result, systemEvaluation: { baseRuntimeMs: 1000, candidateRuntimeMs: 1300, baseCost: 0, candidateCost: 0.001 } }
              : result
      }
    })
    await app.waitFor("→ DEPLOY")
    await app.press(keys.tab)
    const table = await app.waitFor(/Samples by score[\s\S]*#3/)
    expect(table).toMatch(/#0 .* new /)
    expect(table).toMatch(/#3 .* \+300ms /)
    expect(table).not.toMatch(/\d{4,}%/)
  })
})

describe("elapsed time", () => {
  it("never goes back when the server's figure at the end is smaller than the one already shown", async () => {
    app = await renderApp({ route: { screen: "evaluate", agentId: "support_bot" }, fake: { samples: 4, step: 1, serverElapsedMs: 5 } })
    await app.waitFor("‹ revision 2 ›")
    await app.press("r")
    await app.waitFor(/elapsed [1-9][\d.]*s/, 10_000)
    const done = await app.waitFor("COMPLETED · score", 15_000)
    expect(done).not.toContain("elapsed 5ms")
    expect(done).toMatch(/elapsed [1-9][\d.]*s/)
  }, 30_000)
})

describe("a transient run (external candidate)", () => {
  it("is named transient where it starts, stays in Recent runs this session, says when it is gone, and the form remembers the agent", async () => {
    app = await renderApp({ route: [{ screen: "agent", agentId: "support_bot" }, { screen: "evaluate", agentId: "support_bot" }], fake: { samples: 2, step: 2 } })
    await app.waitFor("‹ revision 2 ›")
    await app.press(keys.down, keys.right)
    const form = await app.waitFor("‹ external agent ›")
    expect(form).toContain("An external agent's run is transient: not kept in history")
    await app.press(keys.down, keys.enter, "https://agent.example/run", keys.enter, "r")
    const started = await app.waitFor("Transient run: not kept in history")
    const runId = /run ([0-9a-f-]{36})/.exec(started)![1]!
    await app.waitFor("COMPLETED · score")
    await app.press(keys.escape)
    // Not in the API's list (transient), yet listed here, marked, by the session.
    await app.waitFor(`${runId.slice(0, 8)}  COMPLETED   transient score 7.50`)
    expect(app.fake.lines()).toContain(`GET /v1/tenants/demo/agents/support_bot/evaluationRuns/${runId}`)
    // The backend forgets it (a restart): the row says so instead of vanishing.
    app.fake.model.runs.splice(app.fake.model.runs.findIndex((r) => r.id === runId), 1)
    await app.press("R")
    await app.waitFor(`${runId.slice(0, 8)}  gone: a transient run the backend no longer holds`)
    // The evaluate form comes back with the external agent chosen and its endpoint filled in.
    await app.press("e")
    const again = await app.waitFor("‹ external agent ›")
    expect(again).toContain("https://agent.example/run")
  })
})

describe("deploying the candidate", () => {
  it("D asks first (Esc does nothing), y deploys the revision the run measured", async () => {
    app = await renderApp({ route: { screen: "run", agentId: "support_bot", runId: "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d" } })
    await app.waitFor("D deploys revision 2 (asks first)")
    await app.press("D")
    await app.waitFor(/Deploy revision 2 to support_bot \(now: revision 1\)\? The run recommends DEPLOY\. y\s+deploys · Esc does not/)
    await app.press(keys.escape)
    await app.waitFor("D deploys revision 2 (asks first)")
    expect(app.fake.lines().some((r) => r.endsWith(":deploy"))).toBe(false)
    await app.press("D", "y")
    await app.waitFor("✓ deployed: revision 2 is now support_bot's current revision")
    expect(app.fake.model.deployedRevision).toBe(2)
  })
})
