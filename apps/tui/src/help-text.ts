/** `fruxkit --help` and `fruxkit <command> --help`, written from the command declarations. */
import { commands } from "./commands/index.js"
import { connectionFlags, flagHelp } from "./commands/command-line.js"
import type { CommandDefinition } from "./commands/command.js"
import { ExitCode } from "./commands/exit-codes.js"

export const CONNECTION_HELP = `Connection (first match wins):
  1. a fruxkit gateway:   --url URL or FRUXKIT_URL, with FRUXKIT_API_KEY as its key
  2. the Fruxon API:      FRUXON_API_URL with FRUXON_API_TOKEN (a JWT)
  3. neither set:         the embedded backend, in-process, on FRUXKIT_DATA_DIR
                          (default ./.fruxkit: the same data the gateway serves)
  The tenant is --tenant or FRUXKIT_TENANT (default demo). Credentials are never printed.`

export const EXIT_CODE_HELP = `Exit codes:
  ${ExitCode.Ok}  done; eval --wait: completed at or above --fail-under
  ${ExitCode.Failed}  the run failed or scored below --fail-under, or the API refused the request
  ${ExitCode.Usage}  usage error (unknown flag, missing or bad value)
  ${ExitCode.Unreachable}  the API could not be reached
  130  interrupted while waiting for a run (the run goes on)`

export const mainHelp = (): string => {
  const width = Math.max(...commands.map((c) => c.name.length))
  return `fruxkit: test drafts, curate executions into datasets, evaluate candidates, decide what to ship.

Usage:
  fruxkit [--agent ID]        the interactive terminal UI (press ? on any screen for its keys);
                              --agent opens that agent's screen
  fruxkit <command> [flags]   scriptable, for shells and CI (--json prints the API's shapes)

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Run \`fruxkit <command> --help\` for a command's flags.

${CONNECTION_HELP}

Flags every command takes:
${flagHelp(connectionFlags)}

${EXIT_CODE_HELP}
`
}

export const commandHelp = (command: CommandDefinition): string => `${command.summary}

Usage:
  ${command.usage}

Flags:
${flagHelp(command.flags)}
${flagHelp(connectionFlags)}

${CONNECTION_HELP}

${EXIT_CODE_HELP}
`
