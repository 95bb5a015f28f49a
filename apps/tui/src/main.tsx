/**
 * `fruxkit`: no command opens the terminal UI; a command runs once and exits
 * with a code from the one table. Only small modules are imported up front:
 * the command runner (and through it the API client, Effect) or Ink (its
 * layout engine is WebAssembly) load once we know which one is needed, and
 * the embedded store opens only when a command asks for the API.
 */
import { parseFlags, stringFlag } from "./commands/command-line.js"
import { CommandFailure, reportOf, writeErrorReport } from "./commands/error-report.js"
import { ExitCode } from "./commands/exit-codes.js"
import { isAgentEnvironment } from "./commands/output-mode.js"
import { interactiveFlags } from "./interactive-flags.js"

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
    // Answered before the command runner (and the API client under it) loads.
    const { FRUXKIT_VERSION } = await import("./version.js")
    process.stdout.write(`${FRUXKIT_VERSION}\n`)
    return ExitCode.Ok
  }
  if (isCommand(argv[0])) {
    const { runCli } = await import("./cli.js")
    return runCli(argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env })
  }
  const jsonErrors = isAgentEnvironment(process.env) || !process.stdout.isTTY
  const fail = (error: unknown): number => {
    const report = reportOf(error, undefined)
    writeErrorReport(process.stderr, report, { json: jsonErrors, command: undefined })
    return report.exit_code
  }
  let values
  try {
    values = parseFlags(argv, interactiveFlags).values
  } catch (error) {
    return fail(error)
  }
  if (values.help === true) {
    const { mainHelp } = await import("./help-text.js")
    process.stdout.write(mainHelp())
    return ExitCode.Ok
  }
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    return fail(new CommandFailure("the interactive UI needs a terminal", "interactive_required", "for scripts and CI use a command: fruxkit --help"))
  }
  // React's production build: smaller to load and faster to render; development warnings are for us, not users.
  process.env.NODE_ENV ??= "production"
  const { resolveConnection } = await import("./connection-settings.js")
  const settings = resolveConnection({ url: stringFlag(values, "url"), tenant: stringFlag(values, "tenant"), dataDir: stringFlag(values, "data-dir") })
  const { runInteractive } = await import("./interactive.js")
  return runInteractive(settings, { agent: stringFlag(values, "agent") })
}

endQuietlyWhenStdoutCloses()
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    // Last resort: still no stack trace for the user.
    writeErrorReport(process.stderr, reportOf(error, undefined), {
      json: isAgentEnvironment(process.env) || !process.stdout.isTTY,
      command: undefined
    })
    process.exitCode = ExitCode.Error
  }
)
