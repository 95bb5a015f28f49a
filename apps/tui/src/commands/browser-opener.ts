/**
 * Opening a URL in the user's browser, only when a person is at a terminal:
 * the platform's opener (`open` on macOS, `xdg-open` elsewhere) looked up on
 * PATH, started detached so fruxkit exits at once. Nothing is opened in CI,
 * agent mode, or when stdout is not a terminal; there the URL is printed only.
 */
import { accessSync, constants } from "node:fs"
import { delimiter, join } from "node:path"
import { loadBuiltin } from "./on-demand-builtin.js"

type Env = Readonly<Record<string, string | undefined>>

const OPENER_NAME = process.platform === "darwin" ? "open" : "xdg-open"

/** The opener's path on PATH, or undefined when this machine has none (a server, a container). */
export const findBrowserOpener = (env: Env): string | undefined => {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue
    const candidate = join(dir, OPENER_NAME)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not in this directory
    }
  }
  return undefined
}

/** Start the opener and do not wait for it; false when it could not be started. */
export const openInBrowser = (opener: string, url: string): Promise<boolean> => {
  // Loaded here, not at the top: most commands never open a browser.
  const { spawn } = loadBuiltin<typeof import("node:child_process")>("node:child_process")
  return new Promise((resolve) => {
    const child = spawn(opener, [url], { detached: true, stdio: "ignore" })
    child.once("error", () => resolve(false))
    child.once("spawn", () => {
      child.unref()
      resolve(true)
    })
  })
}
