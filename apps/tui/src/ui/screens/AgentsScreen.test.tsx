import { afterEach, describe, expect, it } from "vitest"
import { keys, renderApp, type Rendered } from "../../../test/render-app.js"

let app: Rendered | undefined
afterEach(async () => {
  await app?.cleanup()
  app = undefined
})

describe("AgentsScreen", () => {
  it("lists the agents and opens one with Enter; Esc comes back", async () => {
    app = renderApp()
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
    app = renderApp()
    await app.waitFor("support_bot")
    await app.press("?")
    const help = await app.waitFor("Keys on this screen")
    expect(help).toContain("Open or edit the selected item")
    expect(help).toContain("Quit fruxkit")
    await app.press("?")
    await app.waitFor("support_bot")
  })

  it("shows an API error as its problem title and detail", async () => {
    app = renderApp({ route: { screen: "agent", agentId: "nobody" } })
    const frame = await app.waitFor("Agent not found")
    expect(frame).toContain('no agent "nobody" in tenant demo')
    expect(frame).not.toMatch(/at .*\.ts:\d+/)
  })
})
