/**
 * The scriptable side: `fruxkit <command> …` parsed, run, and turned into an
 * exit code. Errors end here as one readable line on stderr (problem title and
 * detail for API errors), never a stack trace.
 */
import type { Writable } from "node:stream"
import { commands } from "./commands/index.js"
import { CommandFailure, type CommandContext } from "./commands/command.js"
import { parseFlags, stringFlag } from "./commands/command-line.js"
import { ExitCode, UsageError, exitCodeFor } from "./commands/exit-codes.js"
import { openConnection, resolveConnection, type Connection } from "./connection.js"
import { describeError, failureLine } from "./describe-error.js"
import { commandHelp, mainHelp } from "./help-text.js"

export interface CliIo {
  readonly stdout: Writable
  readonly stderr: Writable & { readonly isTTY?: boolean }
  readonly env: Readonly<Record<string, string | undefined>>
}

/** Could the embedded backend not even start (package missing, data dir unusable)? */
export class BackendUnavailable extends Error {
  override readonly name = "BackendUnavailable"
}

export const runCli = async (argv: ReadonlyArray<string>, io: CliIo): Promise<ExitCode> => {
  const [name, ...rest] = argv
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(mainHelp())
    return name === undefined ? ExitCode.Usage : ExitCode.Ok
  }
  const command = commands.find((c) => c.name === name)
  if (!command) {
    io.stderr.write(`fruxkit: unknown command "${name}"; see fruxkit --help\n`)
    return ExitCode.Usage
  }
  let connection: Connection | undefined
  try {
    const { values, positionals } = parseFlags(rest, command.flags)
    if (values.help === true) {
      io.stdout.write(commandHelp(command))
      return ExitCode.Ok
    }
    const settings = resolveConnection(
      { url: stringFlag(values, "url"), tenant: stringFlag(values, "tenant"), dataDir: stringFlag(values, "data-dir") },
      io.env
    )
    const context: CommandContext = {
      values,
      positionals,
      json: values.json === true,
      stdout: io.stdout,
      stderr: io.stderr,
      env: io.env,
      open: async () => {
        if (!connection) {
          try {
            connection = await openConnection(settings)
          } catch (error) {
            throw new BackendUnavailable(`the embedded backend could not start: ${error instanceof Error ? error.message : String(error)}`)
          }
        }
        return connection
      }
    }
    return await command.run(context)
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`fruxkit ${name}: ${error.message}\nsee fruxkit ${name} --help\n`)
      return ExitCode.Usage
    }
    if (error instanceof CommandFailure) {
      io.stderr.write(`fruxkit ${name}: ${error.message}\n`)
      return ExitCode.Failed
    }
    if (error instanceof BackendUnavailable) {
      io.stderr.write(`fruxkit ${name}: ${error.message}\n`)
      return ExitCode.Unreachable
    }
    const failure = describeError(error)
    io.stderr.write(`fruxkit ${name}: ${failureLine(failure)}\n`)
    return exitCodeFor(failure)
  } finally {
    await connection?.close().catch(() => undefined)
  }
}
