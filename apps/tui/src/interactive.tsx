/**
 * The interactive UI in a real terminal: the alternate screen while it runs,
 * and the terminal as it was when it ends — by `q`, by Ctrl-C (Ink exits on
 * it), or by SIGTERM/SIGHUP.
 */
import { render } from "ink"
import { App } from "./ui/App.js"
import { openConnection, type ConnectionSettings } from "./connection.js"
import { describeError, failureLine } from "./describe-error.js"
import { withIncrementalCursorFix } from "./incremental-cursor-fix.js"

const ENTER_ALTERNATE_SCREEN = "\x1b[?1049h\x1b[H"
const LEAVE_ALTERNATE_SCREEN = "\x1b[?1049l"
const SHOW_CURSOR = "\x1b[?25h"

export const runInteractive = async (settings: ConnectionSettings): Promise<number> => {
  let connection
  try {
    connection = await openConnection(settings)
  } catch (error) {
    process.stderr.write(`fruxkit: ${failureLine(describeError(error))}\n`)
    return 3
  }
  process.stdout.write(ENTER_ALTERNATE_SCREEN)
  let restored = false
  const restore = () => {
    if (restored) return
    restored = true
    process.stdout.write(SHOW_CURSOR + LEAVE_ALTERNATE_SCREEN)
  }
  process.on("exit", restore)
  const instance = render(<App api={{ client: connection.client, tenant: settings.tenant, label: connection.label }} />, {
    stdout: withIncrementalCursorFix(process.stdout),
    exitOnCtrlC: true,
    // Only changed lines are written: a progress tick rewrites one line, not the screen.
    incrementalRendering: process.env.FRUXKIT_INCREMENTAL !== "0",
    patchConsole: true
  })
  const stop = () => instance.unmount()
  process.once("SIGTERM", stop)
  process.once("SIGHUP", stop)
  try {
    await instance.waitUntilExit()
  } finally {
    instance.cleanup()
    restore()
    await connection.close().catch(() => undefined)
  }
  return 0
}
