/** Render the whole app against the fake Fruxon server (real loopback HTTP), type keys, and wait for what the screen should show. */
import { render } from "ink-testing-library"
import { createFruxonClient } from "@fruxkit/core"
import { App } from "../src/ui/App.js"
import type { Route } from "../src/ui/state/navigation.js"
import { startFakeFruxon, waitForText, type FakeFruxon, type FakeFruxonOptions } from "@fruxkit/testkit"

export const keys = {
  enter: "\r",
  escape: "\x1b",
  up: "\x1b[A",
  down: "\x1b[B",
  right: "\x1b[C",
  left: "\x1b[D",
  tab: "\t",
  space: " ",
  backspace: "\x7f"
} as const

export interface Rendered {
  readonly fake: FakeFruxon
  readonly frame: () => string
  /** Send keys one at a time, letting Ink read each. */
  readonly press: (...sequence: Array<string>) => Promise<void>
  readonly waitFor: (text: string | RegExp, timeoutMs?: number) => Promise<string>
  readonly cleanup: () => Promise<void>
  /** Render again at another terminal size (a resize). */
  readonly resize: (size: { columns: number; rows: number }) => void
}

export const renderApp = async (
  options: { route?: Route | ReadonlyArray<Route>; fake?: FakeFruxonOptions; size?: { columns: number; rows: number } } = {}
): Promise<Rendered> => {
  const fake = await startFakeFruxon(options.fake)
  const client = createFruxonClient({ baseUrl: fake.url })
  const api = { client, tenant: "demo", label: "fake" }
  const instance = render(<App api={api} initialRoute={options.route} size={options.size ?? { columns: 80, rows: 24 }} />)
  const frame = () => instance.lastFrame() ?? ""
  const press = async (...sequence: Array<string>) => {
    for (const key of sequence) {
      instance.stdin.write(key)
      // Ink reads input asynchronously, and a lone Esc waits briefly for a sequence to follow.
      await new Promise((resolve) => setTimeout(resolve, key === keys.escape ? 60 : 15))
    }
  }
  const waitFor = (text: string | RegExp, timeoutMs = 8000) => waitForText(frame, text, { timeoutMs })
  return {
    fake,
    frame,
    press,
    waitFor,
    resize: (size) => instance.rerender(<App api={api} initialRoute={options.route} size={size} />),
    cleanup: async () => {
      instance.unmount()
      await client.close()
      await fake.close()
    }
  }
}
