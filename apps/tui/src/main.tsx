#!/usr/bin/env node
/**
 * `fruxkit`: no command opens the terminal UI; a command runs once and exits
 * with a code scripts can read. Only small modules are imported up front: Ink
 * (its layout engine is WebAssembly) and the API client (Effect) are loaded
 * side by side once we know which of them is needed.
 */
import { resolveConnection } from "./connection-settings.js"
import { parseFlags, stringFlag } from "./commands/command-line.js"
import { ExitCode } from "./commands/exit-codes.js"
import { interactiveFlags } from "./interactive-flags.js"

const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  const first = argv[0]
  const interactive = first === undefined || (first.startsWith("--") && first !== "--help")
  if (!interactive) {
    const { runCli } = await import("./cli.js")
    return runCli(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env })
  }
  let values
  try {
    values = parseFlags(argv, interactiveFlags).values
  } catch (error) {
    process.stderr.write(`fruxkit: ${(error as Error).message}\nsee fruxkit --help\n`)
    return ExitCode.Usage
  }
  if (values.help === true) {
    const { mainHelp } = await import("./help-text.js")
    process.stdout.write(mainHelp())
    return ExitCode.Ok
  }
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    process.stderr.write("fruxkit: the interactive UI needs a terminal; for scripts use a command (fruxkit --help)\n")
    return ExitCode.Usage
  }
  // React's production build: smaller to load and faster to render; development warnings are for us, not users.
  process.env.NODE_ENV ??= "production"
  const settings = resolveConnection({ url: stringFlag(values, "url"), tenant: stringFlag(values, "tenant"), dataDir: stringFlag(values, "data-dir") })
  const { runInteractive } = await import("./interactive.js")
  return runInteractive(settings, { agent: stringFlag(values, "agent") })
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    // Last resort: still no stack trace for the user.
    process.stderr.write(`fruxkit: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  }
)
