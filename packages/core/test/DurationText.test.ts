import { describe, expect, it } from "vitest"
import * as DurationText from "../src/DurationText.js"

describe("DurationText: the one duration grammar", () => {
  it("reads a number and a unit", () => {
    expect(DurationText.parse("250ms")).toBe(250)
    expect(DurationText.parse("30s")).toBe(30_000)
    expect(DurationText.parse("1.5m")).toBe(90_000)
    expect(DurationText.parse("2h")).toBe(7_200_000)
    expect(DurationText.parse("0s")).toBe(0)
    expect(DurationText.parse("0.25s")).toBe(250)
    expect(DurationText.parse("0.0004s")).toBeUndefined()
  })

  it("refuses a bare number: 15 meant 15 ms to one old parser and 15 s to another", () => {
    expect(DurationText.parse("15")).toBeUndefined()
    expect(DurationText.parse("15000")).toBeUndefined()
  })

  it("trims nothing: whitespace and control characters around or inside are refused", () => {
    for (const text of [" 30s", "30s ", "30 s", "30s\n", "\t30s", "30s\u0000", "\u000030s", "30s\r\n", "3\u00000s"]) {
      expect(DurationText.parse(text), JSON.stringify(text)).toBeUndefined()
    }
  })

  it("refuses other spellings, signs, exponents, non-ASCII digits and absurd sizes", () => {
    for (const text of ["", "s", "30", "30S", "30sec", "-1s", "+1s", "1e3ms", ".5s", "5.s", "1.2345s", "٣٠s", "３０s", "0x10s", "1_000ms", "9999999999h", "Infinitys", "NaNs", "30s30s"]) {
      expect(DurationText.parse(text), JSON.stringify(text)).toBeUndefined()
    }
  })
})
