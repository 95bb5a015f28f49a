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
    app = await renderApp({ route })
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
    expect(app.fake.lastBody()).toEqual({
      parameters: { question: { id: 42 }, api_token: "" },
      mode: "SANDBOX",
      environmentSlug: "staging"
    })
    await app.press(keys.right) // expand the flow step
    const expanded = await app.waitFor("classify")
    expect(expanded).toContain("▾ answer")
    expect(expanded).toMatch(/lookup_order .*ERROR.*order service timed out/)
    // Enter on a step opens it: model, tokens, every message, the result.
    await app.press(keys.down, keys.enter)
    const step = await app.waitFor("Messages (3)")
    expect(step).toContain("classify · LLM_STEP · SUCCESS · 300ms")
    expect(step).toContain("LLM fake / m")
    expect(step).toContain("tokens in 120 · out 12")
    expect(step).toMatch(/\[system\]\n +Classify the customer's question\./)
    expect(step).toMatch(/\[assistant\]\n +ORDER_STATUS/)
    // Esc goes back to the tree (not off the screen); ← on an inner step goes to the step it is in, ← again closes it.
    await app.press(keys.escape)
    await app.waitFor("▾ answer")
    await app.press(keys.left, keys.left)
    await app.waitFor("▸ answer")
  })

  it("masks secret parameters as they are typed", async () => {
    app = await renderApp({ route })
    await app.waitFor("api_token")
    await app.press(keys.down, keys.enter, "hunter2")
    const typing = await app.waitFor("•••••••")
    expect(typing).not.toContain("hunter2")
  })

  it("continues the last session when asked", async () => {
    app = await renderApp({ route })
    await app.waitFor("session")
    await app.press(keys.down, keys.down, keys.down, keys.down, keys.space, "r")
    await app.waitFor("COMPLETED")
    expect(app.fake.lastBody()).not.toHaveProperty("sessionId")
    await app.press("r")
    await app.waitFor("session sess-1")
    expect(app.fake.lastBody()).toHaveProperty("sessionId", "sess-1")
  })

  it("says plainly when the head moved on, and R reloads it and runs again", async () => {
    app = await renderApp({ route })
    await app.waitFor("draft v3")
    app.fake.model.draftVersion = 4 // someone saved the draft meanwhile
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
    app = await renderApp({ route })
    await app.waitFor("draft v3")
    await app.press("r")
    await app.waitFor("COMPLETED")
    await app.press("c")
    await app.waitFor("add execution 7d9f8e6c to datasets")
  })

  it("explains a revision without a draft instead of sending a request", async () => {
    app = await renderApp({ route: { screen: "draftTest", agentId: "support_bot", revision: 1 } })
    await app.waitFor("no draft forked from revision 1")
    await app.press("r")
    await app.waitFor("No draft to test")
    expect(app.fake.lines().some((r) => r.includes("draft:test"))).toBe(false)
  })
})

describe("a long response", () => {
  it("shows its first lines with the trace, and v gives it the screen to scroll through", async () => {
    app = await renderApp({ route, fake: { responseLines: 40 } })
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

describe("the parameters form", () => {
  const ctrl = (letter: string) => String.fromCharCode(letter.charCodeAt(0) - 96)
  const home = "\x1b[H"
  const end = "\x1b[F"

  it("shows the metadata (display name, required mark, description) and refuses to run with a required parameter empty", async () => {
    app = await renderApp({ route })
    const form = await app.waitFor("Question *")
    expect(form).toContain("Question (question) · The customer's question · string, required")
    await app.press(keys.enter, ctrl("u"), keys.enter, "r")
    const refused = await app.waitFor("✗ Question is required.")
    expect(refused).toContain("(required)")
    expect(app.fake.lines().some((r) => r.endsWith("draft:test"))).toBe(false)
  })

  it("edits at a cursor: Home/End, Ctrl-A/Ctrl-E, ←, Ctrl-W; Esc puts the value back", async () => {
    app = await renderApp({ route })
    await app.waitFor("Where is my order?")
    await app.press(keys.enter, home, "Hi ", end, ctrl("w"), "parcel?", ctrl("a"), ctrl("e"), keys.left, "!", keys.enter)
    await app.waitFor("Hi Where is my parcel!?")
    await app.press(keys.enter, "zzz", keys.escape)
    const back = await app.waitFor(/Question \* +Hi Where is my parcel!\?/)
    expect(back).not.toContain("zzz")
    await app.press("r")
    await app.waitFor("COMPLETED")
    expect(app.fake.lastBody()).toMatchObject({ parameters: { question: "Hi Where is my parcel!?" } })
    // What ran is not "changes": Esc does not ask about it.
    await app.press(keys.escape)
    expect(app.frame()).not.toContain("Discard your changes")
  })

  it("keeps a multi-line paste, renames keys, refuses a nameless row and edits JSON over several lines", async () => {
    app = await renderApp({ route })
    await app.waitFor("Where is my order?")
    // A new row with no name is refused, and Esc drops it.
    await app.press("a", keys.enter)
    await app.waitFor("✗ A parameter needs a name")
    await app.press(keys.escape)
    await app.waitFor(/› mode/)
    // A new row "payload" whose value is pasted pretty-printed JSON, in one write.
    await app.press("a", "payload", keys.enter, '{\n  "id": 42,\n  "tags": ["a"]\n}', keys.enter)
    await app.waitFor('payload           {⏎  "id": 42,⏎')
    // Renamed: n, clear, new name.
    await app.press("n", ctrl("u"), "order", keys.enter)
    await app.waitFor(/› order +\{⏎/)
    // The multi-line editor: Enter is a new line, Ctrl-D is done.
    await app.press("m", end, keys.down, keys.down, end, keys.left, keys.left)
    const editor = await app.waitFor("4 lines · Ctrl-D done")
    expect(editor).toContain('│   "tags": ["a"]')
    await app.press(", ", keys.enter, '"b": true', ctrl("d"))
    await app.waitFor(/› order +\{⏎  "id": 42,⏎  "tags": \["a"\], ⏎"b": true⏎\}/)
    await app.press("r")
    await app.waitFor("COMPLETED")
    expect(app.fake.lastBody()).toMatchObject({ parameters: { question: "Where is my order?", order: { id: 42, tags: ["a"], b: true } } })
  })

  it("asks before Esc throws changes away", async () => {
    app = await renderApp({ route: [{ screen: "agent", agentId: "support_bot" }, route] })
    await app.waitFor("Where is my order?")
    await app.press(keys.down, keys.down, keys.right) // mode → sandbox: a change
    await app.waitFor("production [sandbox]")
    await app.press(keys.escape)
    await app.waitFor("Discard your changes to this form?")
    await app.press(keys.escape) // keep editing
    // The form was on screen under the question all along: wait for the question to go.
    const kept = await app.waitFor(/^(?![\s\S]*Discard your changes)[\s\S]*production \[sandbox\]/)
    expect(kept).not.toContain("Discard your changes")
    await app.press(keys.escape, "y")
    await app.waitFor("Revisions")
  })
})

describe("a revision without a draft", () => {
  it("starts a draft from the revision's flow with D, then runs it", async () => {
    app = await renderApp({ route: { screen: "draftTest", agentId: "support_bot", revision: 1 } })
    await app.waitFor("no draft forked from revision 1 · D starts one from it")
    await app.press("r")
    await app.waitFor("Revision 1 has no draft: D starts one")
    await app.press("D")
    await app.waitFor("draft v1 · mode production")
    expect(app.fake.lines()).toContain("PUT /v1/tenants/demo/agents/support_bot/revisions/1/draft")
    expect(app.fake.lastBody()).toEqual({ headData: { flow: {} } })
  })
})
