import { describe, expect, it } from "vitest"
import { makeJsonScrubber, makeScrubber, REDACTED } from "./secrets.js"

describe("scrubbers", () => {
  it("redact every configured value wherever it appears, regular-expression characters included", () => {
    const odd = "k.e*y+w?i^t$h{r}e(g)e|x[p]s\\/-0123"
    const plain = "plain-secret-0123456789"
    const scrub = makeScrubber([odd, plain, "short"])
    expect(scrub(`a ${odd} b ${plain}${plain} c short`)).toBe(`a ${REDACTED} b ${REDACTED}${REDACTED} c short`)
    // Text holding none comes back as it was; a near miss is not a match.
    const clean = `nothing secret here: ${odd.slice(0, -1)} ${plain.toUpperCase()}`
    expect(scrub(clean)).toBe(clean)
  })

  it("find values inside JSON text even when JSON escaped them", () => {
    const secret = 'quote"and\\backslash-secret'
    const json = JSON.stringify({ apiKey: secret, other: "x" })
    expect(json).not.toContain(secret)
    const scrubbed = makeJsonScrubber([secret])(json)
    expect(JSON.parse(scrubbed)).toEqual({ apiKey: REDACTED, other: "x" })
  })

  it("with no values long enough, change nothing", () => {
    expect(makeScrubber(["short", ""])("short and empty")).toBe("short and empty")
  })
})
