/**
 * `fruxkit`: no command opens the terminal UI; a command runs once and exits
 * with a code from the one table. Nothing is imported up front but the exit
 * codes: a command loads the command script (commands-script.ts: the API
 * client, Effect, and the embedded store when asked for), the UI loads Ink,
 * `--version` loads neither.
 */
import { ExitCode } from "./commands/exit-codes.js"

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

const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
    const { FRUXKIT_VERSION } = await import("./version.js")
    process.stdout.write(`${FRUXKIT_VERSION}\n`)
    return ExitCode.Ok
  }
  if (isCommand(argv[0])) {
    const { loadCommands } = await import("./commands-script.js")
    const { runCli } = await loadCommands()
    return runCli(argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env })
  }
  const { runInteractiveMain } = await import("./interactive-main.js")
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
    const { reportOf, writeErrorReport } = await import("./commands/error-report.js")
    const { isAgentEnvironment } = await import("./commands/output-mode.js")
    writeErrorReport(process.stderr, reportOf(error, undefined), {
      json: isAgentEnvironment(process.env) || !process.stdout.isTTY,
      command: undefined
    })
  }
)
