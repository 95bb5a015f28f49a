import { afterEach, describe, expect, it } from "vitest"
import { keys, renderApp, type Rendered } from "../../../test/render-app.js"
import { EDGE, EXECUTION, GOLDEN } from "@fruxkit/testkit"

let app: Rendered | undefined
afterEach(async () => {
  await app?.cleanup()
  app = undefined
})

const route = { screen: "curate", agentId: "support_bot", executionRecordId: EXECUTION } as const

describe("CurateScreen", () => {
  it("adds the execution to the chosen datasets with quality and tags", async () => {
    app = await renderApp({ route })
    await app.waitFor("golden")
    await app.press(keys.space) // choose golden
    await app.waitFor("[x] golden")
    await app.press(keys.down, keys.down, keys.right) // quality GOOD → BAD
    await app.waitFor("‹ BAD ›")
    await app.press(keys.down, keys.enter, "smoke, tui", keys.enter)
    await app.waitFor("smoke, tui")
    await app.press(keys.down, keys.down, keys.enter)
    await app.waitFor(/✓ added to golden\n/)
    // Reloaded: golden now holds the execution, and nothing is chosen any more.
    const done = await app.waitFor(/\[ \] golden +9 samples +holds this execution/)
    expect(done).not.toContain("⚠")
    const body = app.fake.lastBody() as Record<string, unknown>
    expect(body).toEqual({ datasetIds: [GOLDEN], quality: "BAD", tags: ["smoke", "tui"] })
    expect(done).toContain(`execution ${EXECUTION}`) // the full id, where it can be copied
    // Choosing edge-cases warns that it holds the execution; the old "✓ added" line is gone, not left under it.
    await app.press(keys.up, keys.up, keys.up, keys.up, keys.space)
    const warned = await app.waitFor("⚠ already in edge-cases")
    expect(warned).not.toContain("✓ added")
  })

  it("warns before adding to a dataset that already holds the execution, and skips it by default", async () => {
    app = await renderApp({ route })
    await app.waitFor("edge-cases")
    expect(app.frame()).toContain("holds this execution")
    await app.press(keys.down, keys.space)
    const warned = await app.waitFor("⚠ already in edge-cases: those will be skipped")
    expect(warned).toContain("[x] edge-cases")
    await app.press(keys.down, keys.down, keys.down, keys.space) // dedupe off
    await app.waitFor("a second sample will be created")
    await app.press(keys.space, keys.down, keys.enter) // dedupe back on, then Add
    const done = await app.waitFor("skipped edge-cases")
    expect(done).toContain("added to no dataset")
    expect(app.fake.lines().filter((r) => r.includes(":addToDatasets"))).toHaveLength(0)
  })

  it("refuses to send with no dataset chosen", async () => {
    app = await renderApp({ route })
    await app.waitFor("golden")
    await app.press(keys.down, keys.down, keys.down, keys.down, keys.down, keys.enter)
    await app.waitFor("Choose at least one dataset")
  })
})

describe("typing ahead", () => {
  it("takes text and Enter that arrive in one chunk as typing, then Enter", async () => {
    app = await renderApp({ route })
    await app.waitFor("golden")
    await app.press(keys.down, keys.down, keys.down, keys.enter, "a,b\r")
    const frame = await app.waitFor(/tags +a,b$/m)
    expect(frame).not.toContain("typing ·")
  })
})

describe("keys sent in one burst", () => {
  it("apply in order against the state the key before left (one stdin write)", async () => {
    app = await renderApp({ route })
    await app.waitFor("edge-cases")
    // Space j Space in one write: golden ticked, then the cursor moves, then edge-cases ticked (not golden un-ticked).
    await app.press(" j ")
    const both = await app.waitFor("[x] edge-cases")
    expect(both).toContain("[x] golden")
    // j Space from edge-cases: the cursor moves to quality, where Space does nothing (it must not un-tick edge-cases).
    await app.press("j ")
    const after = await app.waitFor(/› quality/)
    expect(after).toContain("[x] golden")
    expect(after).toContain("[x] edge-cases")
    // Arrow keys and characters in one write: Ink splits them into several keys, which also wait for each other.
    await app.press(`${keys.up}${keys.up} `)
    const unticked = await app.waitFor(/› \[ \] golden/)
    expect(unticked).toContain("[x] edge-cases")
  })
})
