import { afterEach, describe, expect, it } from "vitest"
import { keys, renderApp, type Rendered } from "../../../test/render-app.js"

let app: Rendered | undefined
afterEach(async () => {
  await app?.cleanup()
  app = undefined
})

const route = { screen: "draftTest", agentId: "support_bot", revision: 2 } as const

describe("DraftTestScreen", () => {
  it("sends the form (JSON values, mode, environment) and shows response, status, cost and the trace tree", async () => {
    app = renderApp({ route })
    await app.waitFor("Where is my order?")
    // question: a JSON value replaces the default text
    await app.press(keys.enter, "\x15", '{"id":42}', keys.enter)
    await app.waitFor('{"id":42}')
    await app.press(keys.down, keys.down, keys.right) // mode → sandbox
    await app.waitFor("production [sandbox]")
    await app.press(keys.down, keys.enter, "staging", keys.enter)
    await app.waitFor("staging")
    await app.press("r")
    const result = await app.waitFor("COMPLETED")
    expect(result).toContain("cost $0.0042")
    expect(result).toContain("Your order #42 ships tomorrow.")
    expect(result).toContain("▸ answer")
    expect(result).not.toContain("classify")
    expect(app.fake.state.lastBodies.at(-1)).toEqual({
      parameters: { question: { id: 42 }, api_token: "" },
      mode: "SANDBOX",
      environmentSlug: "staging"
    })
    await app.press(keys.right) // expand the flow step
    const expanded = await app.waitFor("classify")
    expect(expanded).toContain("▾ answer")
    expect(expanded).toMatch(/lookup_order .*ERROR.*order service timed out/)
    await app.press(keys.left)
    await app.waitFor("▸ answer")
  })

  it("masks secret parameters as they are typed", async () => {
    app = renderApp({ route })
    await app.waitFor("api_token")
    await app.press(keys.down, keys.enter, "hunter2")
    const typing = await app.waitFor("•••••••")
    expect(typing).not.toContain("hunter2")
  })

  it("continues the last session when asked", async () => {
    app = renderApp({ route })
    await app.waitFor("session")
    await app.press(keys.down, keys.down, keys.down, keys.down, keys.space, "r")
    await app.waitFor("COMPLETED")
    expect(app.fake.state.lastBodies.at(-1)).not.toHaveProperty("sessionId")
    await app.press("r")
    await app.waitFor("session sess-1")
    expect(app.fake.state.lastBodies.at(-1)).toHaveProperty("sessionId", "sess-1")
  })

  it("says plainly when the head moved on, and R reloads it and runs again", async () => {
    app = renderApp({ route })
    await app.waitFor("draft v3")
    app.fake.state.draftVersion = 4 // someone saved the draft meanwhile
    await app.press("r")
    const stale = await app.waitFor("nothing ran")
    expect(stale).toContain("The draft changed since it was loaded")
    expect(stale).toContain("R reload the head and run again")
    // The problem's detail is said once, not again in the hint.
    expect(stale.split("the draft is at version").length - 1).toBe(1)
    await app.press("R")
    await app.waitFor("COMPLETED")
    expect(app.frame()).toContain("draft v4")
  })

  it("opens curation for the execution it just ran", async () => {
    app = renderApp({ route })
    await app.waitFor("draft v3")
    await app.press("r")
    await app.waitFor("COMPLETED")
    await app.press("c")
    await app.waitFor("add execution 7d9f8e6c to datasets")
  })

  it("explains a revision without a draft instead of sending a request", async () => {
    app = renderApp({ route: { screen: "draftTest", agentId: "support_bot", revision: 1 } })
    await app.waitFor("no draft forked from revision 1")
    await app.press("r")
    await app.waitFor("No draft to test")
    expect(app.fake.state.requests.some((r) => r.includes("draft:test"))).toBe(false)
  })
})

describe("a long response", () => {
  it("shows its first lines with the trace, and v gives it the screen to scroll through", async () => {
    app = renderApp({ route, fake: { responseLines: 40 } })
    await app.waitFor("draft v3")
    await app.press("r")
    const result = await app.waitFor("(40 lines · v read it all)")
    expect(result).toContain("answer line 3")
    expect(result).not.toContain("answer line 4\n")
    expect(result).toContain("Trace")
    await app.press("v")
    const whole = await app.waitFor(/lines 1–\d+ of 40/)
    expect(whole).toContain("answer line 12")
    expect(whole).not.toContain("Trace (")
    await app.press("j", "j")
    await app.waitFor(/lines 3–\d+ of 40/)
    await app.press("v")
    await app.waitFor("Trace (")
  })
})
