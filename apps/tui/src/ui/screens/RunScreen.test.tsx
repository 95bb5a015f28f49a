import { afterEach, describe, expect, it } from "vitest"
import { keys, renderApp, type Rendered } from "../../../test/render-app.js"
import { GOLDEN } from "../../../test/fake-fruxon.js"

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
    app = renderApp({ route: { screen: "evaluate", agentId: "support_bot" }, fake: { samples: 4, step: 2, score: 7.5 } })
    await app.waitFor("‹ revision 2 ›")
    expect(app.frame()).toContain("‹ golden (8 samples) ›")
    await app.press("r")
    const running = await app.waitFor(/2\/4 {2}elapsed/)
    expect(running).toContain("IN_PROGRESS")
    expect(running).toContain("eta")
    const done = await app.waitFor("COMPLETED  score 7.50  → HOLD")
    expect(done).toContain("4/4")
    expect(done).toContain("Score distribution")
    expect(done).toMatch(/BETTER\s+█+\s+3/)
    expect(done).toContain("runtime  base 5.0s")
    expect(done).toContain("candidate $0.0120")
    expect(done).toContain("Drops the order number")
    expect(done).toContain("Shorter, clearer answers")
    frameFits(done, 80, 24)
    expect(app.fake.state.lastBodies.at(-1)).toEqual({ datasetId: GOLDEN, candidateRevision: 2 })
  })

  it("masks an external agent's secrets while they are typed and sends them only in the request", async () => {
    app = renderApp({ route: { screen: "evaluate", agentId: "support_bot" } })
    await app.waitFor("‹ revision 2 ›")
    await app.press(keys.down, keys.right)
    await app.waitFor("‹ external agent ›")
    await app.press(keys.down, keys.enter, "https://agent.example/run", keys.enter)
    await app.press(keys.down, keys.down, keys.down, keys.enter, "Bearer s3cret", keys.enter)
    const typed = await app.waitFor("•••••••••••••")
    expect(typed).not.toContain("s3cret")
    expect(typed).toContain("https://agent.example/run")
    await app.press("r")
    await app.waitFor("candidate external/draft")
    expect(app.frame()).not.toContain("s3cret")
    expect(app.fake.state.lastBodies.at(-1)).toEqual({
      datasetId: GOLDEN,
      candidateExternalConfig: { parameters: { endpoint: "https://agent.example/run", auth_header_value: "Bearer s3cret" } }
    })
  })

  it("refuses an external candidate without an endpoint before sending anything", async () => {
    app = renderApp({ route: { screen: "evaluate", agentId: "support_bot" } })
    await app.waitFor("‹ revision 2 ›")
    await app.press(keys.down, keys.right, "r")
    await app.waitFor("An external candidate needs an endpoint.")
    expect(app.fake.state.requests.some((r) => r.includes(":evaluate"))).toBe(false)
  })
})

describe("RunScreen samples", () => {
  const finished = { screen: "run", agentId: "support_bot", runId: "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d" } as const

  it("lists samples by score and by regression, and opens one side by side with the judge's analysis", async () => {
    app = renderApp({ route: finished })
    await app.waitFor("score 9.10  → DEPLOY")
    await app.press(keys.tab)
    const byScore = await app.waitFor("Samples by score")
    const rows = byScore.split("\n").filter((line) => /#\d/.test(line))
    expect(rows.map((r) => /#(\d)/.exec(r)![1])).toEqual(["1", "2", "0", "3"])
    await app.press("s")
    const byRegression = await app.waitFor("Samples by regression")
    const regressionRows = byRegression.split("\n").filter((line) => /#\d/.test(line))
    expect(regressionRows[0]).toContain("FAILED")
    expect(regressionRows[1]).toContain("#2")
    await app.press(keys.down, keys.enter) // sample #2
    const sample = await app.waitFor(/base answer 2\s+│ candidate answer 2/)
    expect(sample).toContain("sample #2 (3/4)")
    expect(sample).toContain("Judge: score 7.00 · BETTER")
    expect(sample).toContain("The candidate answer 2 is compared with the base answer 2.")
    await app.press(keys.right)
    await app.waitFor("sample #3")
    await app.press(keys.escape)
    await app.waitFor("Samples by regression")
  })

  it("shows a run that failed with its error", async () => {
    app = renderApp({ route: { screen: "evaluate", agentId: "support_bot" }, fake: { samples: 2, step: 2, failRuns: true } })
    await app.waitFor("‹ revision 2 ›")
    await app.press("r")
    const failed = await app.waitFor("the judge could not be reached")
    expect(failed).toContain("FAILED")
  })
})

describe("layout", () => {
  it("adapts to a resize", async () => {
    app = renderApp({ route: { screen: "agent", agentId: "support_bot" } })
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
    app = renderApp({ route: { screen: "evaluate", agentId: "support_bot" }, fake: { samples: 40, step: 1 } })
    await app.waitFor("‹ revision 2 ›")
    await app.press("r")
    await app.waitFor(/IN_PROGRESS[\s\S]*x cancel run/)
    await app.press("x")
    const cancelled = await app.waitFor(/run [0-9a-f]{8} · CANCELLED/)
    expect(cancelled).not.toContain("x cancel run")
    expect(app.fake.state.requests.some((r) => r.endsWith(":cancel"))).toBe(true)
  })
})

describe("a server without fruxkit's listings", () => {
  it("still shows the agent, says which parts are not available, and lets a candidate revision be typed", async () => {
    app = renderApp({ route: { screen: "agent", agentId: "support_bot" }, fake: { withoutFruxkitListings: true, samples: 2, step: 2 } })
    const agent = await app.waitFor("Recent evaluation runs")
    expect(agent).toMatch(/\(not available here: Not found \(404\): no route GET \/revisions\)/)
    expect(agent).toContain("9a8b7c6d  COMPLETED")
    await app.press("e")
    await app.waitFor("‹ all datasets of the deployed revision ›")
    expect(app.frame()).toContain("‹ revision (type its number) ›")
    await app.press("r")
    await app.waitFor("Type the candidate's revision number.")
    await app.press(keys.down, keys.down, keys.enter, "2", keys.enter, "r")
    await app.waitFor("COMPLETED  score")
    expect(app.fake.state.lastBodies.at(-1)).toEqual({ candidateRevision: 2 })
  })
})

describe("from a dataset", () => {
  it("Enter on a dataset of the agent starts an evaluation on that dataset", async () => {
    app = renderApp({ route: { screen: "agent", agentId: "support_bot" } })
    await app.waitFor("Datasets")
    await app.press(keys.tab, keys.down, keys.enter)
    await app.waitFor("‹ edge-cases (3 samples) ›")
  })
})
