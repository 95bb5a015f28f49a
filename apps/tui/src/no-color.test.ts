import { describe, expect, it } from "vitest"
import { noColorRequested, stripColors } from "./no-color.js"
import { shortenLabel } from "./ui/components/Frame.js"

describe("NO_COLOR", () => {
  it("takes colours out and keeps bold, dim and inverse", () => {
    expect(stripColors("\x1b[31mred\x1b[39m \x1b[7m\x1b[36mpicked\x1b[39m\x1b[27m")).toBe("red \x1b[7mpicked\x1b[27m")
    expect(stripColors("\x1b[1;38;5;196mx\x1b[0m \x1b[48;2;1;2;3;2my\x1b[22m")).toBe("\x1b[1mx\x1b[0m \x1b[2my\x1b[22m")
    expect(stripColors("plain \x1b[2A\x1b[m")).toBe("plain \x1b[2A\x1b[m")
  })

  it("is asked for by NO_COLOR set to anything but empty", () => {
    expect(noColorRequested({ NO_COLOR: "1" })).toBe(true)
    expect(noColorRequested({ NO_COLOR: "" })).toBe(false)
    expect(noColorRequested({})).toBe(false)
  })
})

describe("the title bar's connection label", () => {
  it("keeps the mode and cuts the start of the path", () => {
    expect(shortenLabel("embedded /home/someone/projects/acme/.fruxkit", 26)).toBe("embedded …ts/acme/.fruxkit")
    expect(shortenLabel("gateway http://127.0.0.1:8787/some/prefix", 20)).toHaveLength(20)
    expect(shortenLabel("embedded ./.fruxkit", 26)).toBe("embedded ./.fruxkit")
  })
})
