import { describe, expect, it } from "vitest"
import { diffWords } from "./text-diff.js"

const text = (parts: ReadonlyArray<{ text: string }>) => parts.map((p) => p.text).join("")

describe("diffWords", () => {
  it("marks the words only one side has, and each side still reads as its own text", () => {
    const before = "Refunds take 5 days. Contact support."
    const after = "Refunds take 3 business days. Contact support."
    const diff = diffWords(before, after)
    expect(text(diff.before)).toBe(before)
    expect(text(diff.after)).toBe(after)
    expect(diff.before.filter((p) => p.kind === "removed").map((p) => p.text.trim())).toEqual(["5"])
    expect(diff.after.filter((p) => p.kind === "added").map((p) => p.text.trim())).toEqual(["3 business"])
  })

  it("shows identical texts as the same, and empty against text as all added", () => {
    expect(diffWords("same words", "same words").after).toEqual([{ kind: "same", text: "same words" }])
    expect(diffWords("", "new answer")).toEqual({ before: [], after: [{ kind: "added", text: "new answer" }] })
  })

  it("gives up on a word-by-word table past its bound instead of spending the request", () => {
    const big = Array.from({ length: 3000 }, (_, i) => `w${i}`).join(" ")
    const diff = diffWords(big, `${big} tail`)
    expect(diff.before).toEqual([{ kind: "removed", text: big }])
    expect(diff.after).toEqual([{ kind: "added", text: `${big} tail` }])
  })
})
