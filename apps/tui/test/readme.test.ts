import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { regenerate } from "../src/readme-sections.js"

describe("README", () => {
  it("has the keys and commands as the tables define them (pnpm --filter @fruxkit/tui readme rewrites them)", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
    expect(readme).toContain("<!-- generated:keys -->")
    expect(readme).toContain("<!-- generated:commands -->")
    expect(regenerate(readme)).toBe(readme)
  })
})
