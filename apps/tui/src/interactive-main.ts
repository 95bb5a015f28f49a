/**
 * `fruxkit` with no command: flags for the UI, `--help`, and the terminal UI
 * itself (Ink and React load only here).
 */
import { parseFlags, stringFlag } from "./commands/command-line.js"
import { CommandFailure, reportOf, writeErrorReport } from "./commands/error-report.js"
import { ExitCode } from "./commands/exit-codes.js"
import { isAgentEnvironment } from "./commands/output-mode.js"
import { interactiveFlags } from "./interactive-flags.js"

export const runInteractiveMain = async (argv: ReadonlyArray<string>): Promise<number> => {
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
