import { describe, expect, it, vi } from "vitest"
import { render } from "ink-testing-library"
import { ScreenErrorBoundary } from "./ScreenErrorBoundary.js"

const Broken = (): never => {
  throw new Error("cannot read the summary")
}

describe("ScreenErrorBoundary", () => {
  it("shows a failing screen's message instead of a stack trace", () => {
    // React reports the caught error on console.error; the user sees only the frame.
    const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined)
    const { lastFrame } = render(
      <ScreenErrorBoundary>
        <Broken />
      </ScreenErrorBoundary>
    )
    quiet.mockRestore()
    expect(lastFrame()).toContain("This screen failed")
    expect(lastFrame()).toContain("cannot read the summary")
    expect(lastFrame()).not.toMatch(/\bat .+:\d+:\d+/)
  })
})
