/**
 * The interactive UI in a real terminal: the alternate screen while it runs,
 * and the terminal as it was when it ends — by `q`, by Ctrl-C (Ink exits on
 * it), or by SIGTERM/SIGHUP.
 */
import { appendFileSync } from "node:fs"
import { format } from "node:util"
import type { ConnectionSettings } from "./connection-settings.js"
import { describeError, failureLine } from "./describe-error.js"
import { withIncrementalCursorFix } from "./incremental-cursor-fix.js"
import { noColorRequested, withoutColors } from "./no-color.js"

const ENTER_ALTERNATE_SCREEN = "\x1b[?1049h\x1b[H"
const LEAVE_ALTERNATE_SCREEN = "\x1b[?1049l"
const SHOW_CURSOR = "\x1b[?25h"

export const runInteractive = async (settings: ConnectionSettings, options: { readonly agent?: string | undefined } = {}): Promise<number> => {
  // Ink with its WebAssembly layout engine, and the client with Effect (and SQLite when embedded), load side by side.
  const [{ render }, { App }, connecting] = await Promise.all([
    import("ink"),
    import("./ui/App.js"),
    import("./connection.js").then(({ openConnection }) => openConnection(settings)).then(
      (connection) => ({ connection }),
      (error: unknown) => ({ error })
    )
  ])
  if ("error" in connecting) {
    const error = connecting.error
    process.stderr.write(`fruxkit: ${failureLine(describeError(error))}\n`)
    return 3
  }
  const { connection } = connecting
  process.stdout.write(ENTER_ALTERNATE_SCREEN)
  let restored = false
  const restore = () => {
    if (restored) return
    restored = true
    process.stdout.write(SHOW_CURSOR + LEAVE_ALTERNATE_SCREEN)
  }
  process.on("exit", restore)
  // Warnings and errors React or a library writes to the console would land over the screen (with stacks):
  // they go to FRUXKIT_DEBUG_LOG when it is set, and nowhere otherwise.
  const debugLog = process.env.FRUXKIT_DEBUG_LOG
  const toDebugLog = (...args: Array<unknown>) => {
    if (debugLog) appendFileSync(debugLog, `${format(...args)}\n`)
  }
  console.error = toDebugLog
  console.warn = toDebugLog
  console.log = toDebugLog
  const initialRoute = options.agent ? ([{ screen: "agents" }, { screen: "agent", agentId: options.agent }] as const) : undefined
  const instance = render(<App api={{ client: connection.client, tenant: settings.tenant, label: connection.label }} initialRoute={initialRoute} />, {
    stdout: noColorRequested(process.env) ? withoutColors(withIncrementalCursorFix(process.stdout)) : withIncrementalCursorFix(process.stdout),
    exitOnCtrlC: true,
    // Only changed lines are written: a progress tick rewrites one line, not the screen.
    incrementalRendering: process.env.FRUXKIT_INCREMENTAL !== "0",
    patchConsole: false
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
