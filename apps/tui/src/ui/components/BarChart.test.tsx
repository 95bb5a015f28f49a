import { describe, expect, it } from "vitest"
import { render } from "ink-testing-library"
import { BarChart } from "./BarChart.js"
import { SelectList, windowStart } from "./SelectList.js"

describe("BarChart", () => {
  it("draws bars in proportion to the largest count, numeric buckets in order", () => {
    const { lastFrame } = render(<BarChart title="Scores" counts={{ "8-10": 6, "0-2": 1, "4-6": 3 }} width={30} />)
    const lines = lastFrame()!.split("\n")
    expect(lines[0]).toBe("Scores")
    expect(lines.slice(1).map((l) => l.split(" ")[0])).toEqual(["0-2", "4-6", "8-10"])
    const full = (l: string) => [...l].filter((c) => c === "█").length
    expect(full(lines[3]!)).toBe(2 * full(lines[2]!))
    expect(lines[3]).toMatch(/ 6$/)
  })
})

describe("SelectList", () => {
  it("shows the window of rows around the selection", () => {
    expect(windowStart(0, 50, 10)).toBe(0)
    expect(windowStart(25, 50, 10)).toBe(20)
    expect(windowStart(49, 50, 10)).toBe(40)
    const items = Array.from({ length: 50 }, (_, i) => `item ${i}`)
    const frame = render(<SelectList items={items} selected={25} height={5} width={40} render={(s) => s} />).lastFrame()!
    expect(frame.split("\n")).toEqual(["  item 23", "  item 24", "› item 25", "  item 26", "  item 27"])
  })
})
