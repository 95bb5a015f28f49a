/**
 * `fruxkit`: no command opens the terminal UI; a command runs once and exits
 * with a code from the one table. Nothing is imported up front but the exit
 * codes: a command loads the commands script (commands-script.ts: the API
 * client, Effect, and the embedded store when asked for), the UI loads Ink,
 * `--version` loads neither. The bundle builds this file as CommonJS
 * (dist/bin/main.cjs), so a command never starts Node's ES module loader.
 */
import { ExitCode } from "./commands/exit-codes.js"
import { loadCommands } from "./commands-script.js"

/** Set by the bundle (esbuild `define`): where the UI's ES module entry is, relative to this file. */
declare const __FRUXKIT_UI_ENTRY__: string | undefined

/**
 * `fruxkit … | head -1`: when the reader goes away, stop quietly. Without
 * this, the next write throws EPIPE as an unhandled error with a stack trace.
 */
const endQuietlyWhenStdoutCloses = (): void => {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") process.exit(ExitCode.Ok)
    throw error
  })
}

const isCommand = (first: string | undefined): boolean =>
  first !== undefined && (!first.startsWith("-") || ["--help", "-h", "--version", "-V"].includes(first))

const loadInteractiveMain = (): Promise<typeof import("./interactive-main.js")> => {
  // An if/else on the build's constant: esbuild drops the other branch.
  if (typeof __FRUXKIT_UI_ENTRY__ !== "undefined") {
    // Ink is ES modules: the UI is its own build, reached by URL from this CommonJS entry.
    return import(new URL(__FRUXKIT_UI_ENTRY__, import.meta.url).href) as Promise<typeof import("./interactive-main.js")>
  } else {
    return import("./interactive-main.js")
  }
}

const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }

const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
    const { FRUXKIT_VERSION } = await import("./version.js")
    process.stdout.write(`${FRUXKIT_VERSION}\n`)
    return ExitCode.Ok
  }
  if (isCommand(argv[0])) {
    const { runCli } = await loadCommands()
    return runCli(argv, io)
  }
  const { runInteractiveMain } = await loadInteractiveMain()
  return runInteractiveMain(argv)
}

endQuietlyWhenStdoutCloses()
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  async (error: unknown) => {
    process.exitCode = ExitCode.Error
    // Last resort: still no stack trace for the user.
    const { reportUnexpected } = await loadCommands()
    reportUnexpected(error, io)
  }
)
