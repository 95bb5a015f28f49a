import { afterEach, describe, expect, it } from "vitest"
import { keys, renderApp, type Rendered } from "../../../test/render-app.js"

let app: Rendered | undefined
afterEach(async () => {
  await app?.cleanup()
  app = undefined
})

describe("HistoryScreen", () => {
  it("pages through past runs with the API's cursor and opens one", async () => {
    app = renderApp({ route: { screen: "history", agentId: "support_bot" } })
    const template = app.fake.state.runs[0]!
    for (let i = 1; i <= 25; i++) {
      app.fake.state.runs.push({ ...template, id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, score: i / 10 })
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
    expect(app.fake.state.requests.filter((r) => r.endsWith("/evaluationRuns"))).toHaveLength(2)
    await app.press("p")
    await app.waitFor("page 1")
    await app.press(keys.enter)
    await app.waitFor("run 9a8b7c6d · COMPLETED")
  })
})
