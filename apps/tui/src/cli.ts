/**
 * The scriptable side: `fruxkit <command> …` parsed, run, and turned into an
 * exit code from the one table (`commands/exit-codes.ts`). Every error ends
 * here as one report on stderr (`commands/error-report.ts`): a line of text
 * in a terminal, one JSON line in agent mode or with JSON output.
 */
import type { Writable } from "node:stream"
import { commands, findCommand } from "./commands/index.js"
import type { CommandContext } from "./commands/command.js"
import { parseFlags, stringFlag } from "./commands/command-line.js"
import { closestName } from "./commands/did-you-mean.js"
import { CommandFailure, reportOf, writeErrorReport } from "./commands/error-report.js"
import { ExitCode, UsageError } from "./commands/exit-codes.js"
import { OUTPUT_FORMATS, isAgentEnvironment, resolveOutputMode, type OutputFormat } from "./commands/output-mode.js"
import type { Connection } from "./connection.js"
import { resolveConnection } from "./connection-settings.js"
import { commandHelp, mainHelp } from "./help-text.js"
import { FRUXKIT_VERSION } from "./version.js"

export interface CliIo {
  readonly stdout: Writable & { readonly isTTY?: boolean }
  readonly stderr: Writable & { readonly isTTY?: boolean }
  readonly stdin?: { readonly isTTY?: boolean }
  readonly env: Readonly<Record<string, string | undefined>>
}

/** Could the embedded backend not even start (package missing, data dir unusable)? */
export class BackendUnavailable extends CommandFailure {}

/** The format asked for on the command line, read without parsing (for errors found while parsing). */
const requestedFormat = (argv: ReadonlyArray<string>): OutputFormat | undefined => {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === "--json") return "json"
    const value = arg === "-o" || arg === "--output" ? argv[i + 1] : /^(?:-o|--output)=(.*)$/.exec(arg)?.[1]
    if (value && (OUTPUT_FORMATS as ReadonlyArray<string>).includes(value)) return value as OutputFormat
  }
  return undefined
}

export const runCli = async (argv: ReadonlyArray<string>, io: CliIo): Promise<ExitCode> => {
  const [name, ...rest] = joinTwoWordCommand(argv)
  const requested = requestedFormat(argv)
  const output = resolveOutputMode({
    requested,
    json: false,
    env: io.env,
    stdoutIsTTY: io.stdout.isTTY === true,
    stdinIsTTY: io.stdin?.isTTY === true
  })
  const fail = (error: unknown, command: string | undefined): ExitCode => {
    const report = reportOf(error, command)
    writeErrorReport(io.stderr, report, { json: output.jsonErrors, command })
    return report.exit_code
  }
  if (name === undefined || name === "--help" || name === "-h") {
    io.stdout.write(mainHelp())
    return name === undefined ? ExitCode.Usage : ExitCode.Ok
  }
  if (name === "--version" || name === "-V" || name === "version") {
    io.stdout.write(`${FRUXKIT_VERSION}\n`)
    return ExitCode.Ok
  }
  if (name === "help") {
    const [topic, ...extra] = joinTwoWordCommand(rest)
    if (topic === undefined) {
      io.stdout.write(mainHelp())
      return ExitCode.Ok
    }
    const command = findCommand(topic)
    if (!command) return fail(unknownCommand(topic), undefined)
    if (extra.length > 0) return fail(new UsageError(`help takes one command, got ${rest.length}`), "help")
    io.stdout.write(commandHelp(command))
    return ExitCode.Ok
  }
  const command = findCommand(name)
  if (!command) return fail(unknownCommand(name), undefined)

  let connection: Connection | undefined
  try {
    const { values, positionals } = parseFlags(rest, command.flags, command.args ?? [], name)
    if (values.help === true) {
      io.stdout.write(commandHelp(command))
      return ExitCode.Ok
    }
    const mode = resolveOutputMode({
      requested: stringFlag(values, "output") as OutputFormat | undefined,
      json: values.json === true,
      env: io.env,
      stdoutIsTTY: io.stdout.isTTY === true,
      stdinIsTTY: io.stdin?.isTTY === true
    })
    const settings = () =>
      resolveConnection({ url: stringFlag(values, "url"), tenant: stringFlag(values, "tenant"), dataDir: stringFlag(values, "data-dir") }, io.env)
    const context: CommandContext = {
      values,
      positionals,
      json: mode.format === "json",
      output: mode,
      stdout: io.stdout,
      stderr: io.stderr,
      stdin: io.stdin ?? {},
      env: io.env,
      open: async () => {
        if (!connection) {
          // Loaded only now: the client (Effect) and the embedded store are most of a command's start time.
          const { openConnection } = await import("./connection.js")
          try {
            connection = await openConnection(settings())
          } catch (error) {
            throw new BackendUnavailable(`the embedded backend could not start: ${error instanceof Error ? error.message : String(error)}`)
          }
        }
        return connection
      }
    }
    return await command.run(context)
  } catch (error) {
    const report = reportOf(error, name)
    writeErrorReport(io.stderr, report, {
      json: output.jsonErrors || requestedFormatIsJson(rest),
      command: name
    })
    return report.exit_code
  } finally {
    await connection?.close().catch(() => undefined)
  }
}

/** The binary's last resort: an error that escaped everything else, reported as any other (no stack trace). */
export const reportUnexpected = (error: unknown, io: CliIo): void => {
  writeErrorReport(io.stderr, reportOf(error, undefined), { json: isAgentEnvironment(io.env) || io.stdout.isTTY !== true, command: undefined })
}

const requestedFormatIsJson = (argv: ReadonlyArray<string>): boolean => {
  const format = requestedFormat(argv)
  return format === "json" || format === "ndjson"
}

/** `draft push …` is the command `draft push`: two-word commands are found before one-word ones. */
const joinTwoWordCommand = (argv: ReadonlyArray<string>): Array<string> =>
  argv.length >= 2 && findCommand(`${argv[0]} ${argv[1]}`) ? [`${argv[0]} ${argv[1]}`, ...argv.slice(2)] : [...argv]

const unknownCommand = (name: string): UsageError => {
  const suggestion = closestName(
    name,
    commands.map((c) => c.name)
  )
  return new UsageError(`unknown command "${name}"${suggestion ? ` — did you mean ${suggestion}?` : ""}`, "see fruxkit --help for the commands")
}
