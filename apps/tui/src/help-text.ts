/** `fruxkit --help`, `fruxkit help <command>` and `fruxkit <command> --help`, written from the command declarations. */
import { commands } from "./commands/index.js"
import { connectionFlags, flagRows, globalFlags, outputFlags, type Flags } from "./commands/command-line.js"
import type { CommandDefinition } from "./commands/command.js"
import { EXIT_CODE_TABLE } from "./commands/exit-codes.js"
import { AGENT_MODE_VARIABLES } from "./commands/output-mode.js"

export const CONNECTION_HELP = `Connection (first match wins):
  1. a fruxkit gateway:   --url URL or FRUXKIT_URL, with FRUXKIT_API_KEY as its key
  2. the Fruxon API:      FRUXON_API_URL with FRUXON_API_TOKEN (a JWT)
  3. neither set:         the embedded backend, in-process, on FRUXKIT_DATA_DIR
                          (default ./.fruxkit: the same data the gateway serves)
  The tenant is --tenant or FRUXKIT_TENANT (default demo). Credentials are never printed.`

export const AGENT_MODE_HELP = `Agent and CI mode (${AGENT_MODE_VARIABLES.join(", ")} set, or stdout not a terminal):
  JSON on stdout unless -o says otherwise, no progress line, no prompts, and every
  error as one JSON line on stderr: {"error":{"code","message","exit_code","hint",…}}.
  NO_COLOR is honoured everywhere.`

export const exitCodeHelp = (): string => {
  const width = Math.max(...EXIT_CODE_TABLE.map((row) => String(row.code).length))
  return `Exit codes:\n${EXIT_CODE_TABLE.map((row) => `  ${String(row.code).padStart(width)}  ${row.name.padEnd(20)}  ${row.meaning}`).join("\n")}`
}

/** Blocks of flags aligned on one column, so a command's own flags and the global ones read as one table. */
const flagBlocks = (blocks: ReadonlyArray<readonly [string, Flags]>): string => {
  const nonEmpty = blocks.filter(([, flags]) => Object.keys(flags).length > 0)
  const width = Math.max(0, ...nonEmpty.flatMap(([, flags]) => flagRows(flags).map(([left]) => left.length)))
  return nonEmpty
    .map(([title, flags]) => `${title}:\n${flagRows(flags).map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join("\n")}`)
    .join("\n\n")
}

export const mainHelp = (): string => {
  const width = Math.max(...commands.map((c) => c.name.length))
  return `fruxkit: test drafts, curate executions into datasets, evaluate candidates, decide what to ship.

Usage:
  fruxkit [--agent ID]        the interactive terminal UI (press ? on any screen for its keys);
                              --agent opens that agent's screen
  fruxkit <command> [flags]   scriptable, for shells, CI and coding agents
  fruxkit help <command>      a command's flags and examples (also: fruxkit <command> --help)
  fruxkit --version

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

${flagBlocks([["Flags every command takes", globalFlags]])}

${CONNECTION_HELP}

${AGENT_MODE_HELP}

${exitCodeHelp()}
`
}

export const commandHelp = (command: CommandDefinition): string => {
  const args = command.args ?? []
  const argWidth = Math.max(0, ...args.map((a) => a.name.length))
  const sections = [
    `${command.summary}`,
    `Usage:\n  ${command.usage}`,
    ...(args.length > 0
      ? [`Arguments:\n${args.map((a) => `  ${a.name.padEnd(argWidth)}  ${a.description}${a.required ? "" : " (optional)"}`).join("\n")}`]
      : []),
    flagBlocks([
      ["Flags", command.flags],
      ["Connection", connectionFlags],
      ["Output", outputFlags]
    ]),
    ...(command.jsonShape ? [`JSON (-o json):\n  ${command.jsonShape}`] : []),
    ...(command.examples && command.examples.length > 0
      ? [`Examples:\n${command.examples.map((e) => `  # ${e.says}\n  ${e.command}`).join("\n\n")}`]
      : []),
    "Exit codes: see fruxkit --help (0 ok, 1 gate failed, 2 usage, 10–16 API and environment errors)."
  ]
  return `${sections.join("\n\n")}\n`
}
