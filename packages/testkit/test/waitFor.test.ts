import { describe, expect, it } from "vitest"
import { waitFor, waitForText } from "../src/index.js"

describe("waitFor", () => {
  it("resolves with the first found value, retrying checks that throw", async () => {
    let calls = 0
    const value = await waitFor(() => {
      calls++
      if (calls < 3) throw new Error("not yet")
      return calls === 4 ? { calls } : false
    }, { intervalMs: 1 })
    expect(value).toEqual({ calls: 4 })
  })

  it("fails at the deadline saying what it waited for and what it saw", async () => {
    await expect(waitForText(() => "a screen without it", "Revisions", { timeoutMs: 50 })).rejects.toThrow(/waiting for Revisions[\s\S]*a screen without it/)
  })
})
