import { afterEach, describe, expect, it } from "vitest"
import { keys, renderApp, type Rendered } from "../../../test/render-app.js"

let app: Rendered | undefined
afterEach(async () => {
  await app?.cleanup()
  app = undefined
})

describe("AgentsScreen", () => {
  it("lists the agents and opens one with Enter; Esc comes back", async () => {
    app = await renderApp()
    const list = await app.waitFor("support_bot")
    expect(list).toContain("Support bot")
    expect(list).toContain("Enter open")
    await app.press(keys.enter)
    const agent = await app.waitFor("Revisions")
    expect(agent).toContain("rev 1   deployed")
    expect(agent).toContain("golden")
    expect(agent).toContain("COMPLETED")
    await app.press(keys.escape)
    await app.waitFor("agents of demo")
  })

  it("shows the current screen's keys in ? help, from the command table", async () => {
    app = await renderApp()
    await app.waitFor("support_bot")
    await app.press("?")
    const help = await app.waitFor("Keys on this screen")
    expect(help).toContain("Open or edit the selected item")
    expect(help).toContain("Quit fruxkit")
    await app.press("?")
    await app.waitFor("support_bot")
  })

  it("shows an API error as its problem title and detail", async () => {
    app = await renderApp({ route: { screen: "agent", agentId: "nobody" } })
    const frame = await app.waitFor("Agent not found")
    expect(frame).toContain('no agent "nobody" in tenant demo')
    expect(frame).not.toMatch(/at .*\.ts:\d+/)
  })
})

describe("typed ahead", () => {
  it("treats several command keys read at once as one command each", async () => {
    app = await renderApp({ route: { screen: "history", agentId: "support_bot" } })
    const template = app.fake.model.runs[0]!
    for (let i = 1; i <= 5; i++) app.fake.model.runs.push({ ...template, id: `00000000-0000-4000-8000-00000000000${i}` })
    await app.waitFor("6 runs in all")
    await app.press("jjj") // three downs in one read
    await app.press(keys.enter)
    await app.waitFor("run 00000000 · COMPLETED")
    expect(app.fake.lines().filter((r) => r.includes("/evaluationRuns/")).at(-1)).toContain("/evaluationRuns/00000000-0000-4000-8000-000000000003")
  })
})

describe("starting on an agent", () => {
  it("keeps the agent list under it, so Esc goes there", async () => {
    app = await renderApp({ route: [{ screen: "agents" }, { screen: "agent", agentId: "support_bot" }] })
    await app.waitFor("Revisions")
    await app.press(keys.escape)
    await app.waitFor("agents of demo")
  })
})

describe("a new dataset", () => {
  it("is created from the agent screen (N, name, description) and listed", async () => {
    app = await renderApp({ route: { screen: "agent", agentId: "support_bot" } })
    await app.waitFor("Datasets")
    await app.press("N", "regressions", keys.enter, "Samples that regressed once", keys.enter)
    await app.waitFor(/✓ dataset regressions created \([0-9a-f-]{36}\)/)
    await app.waitFor(/regressions +0 samples/)
    expect(app.fake.lastBody()).toEqual({ name: "regressions", description: "Samples that regressed once" })
    // A name that exists is refused by the API, and said.
    await app.press("N", "golden", keys.enter, keys.enter)
    await app.waitFor('a dataset named "golden" exists')
  })
})
