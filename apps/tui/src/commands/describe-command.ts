/**
 * `fruxkit describe [command] --json`: the command tree as data (commands,
 * arguments, flags with their types and defaults, exit codes), so a coding
 * agent can drive fruxkit without reading prose. Written from the same
 * declarations as the parser and `--help`.
 */
import { print, printJson, type CommandDefinition } from "./command.js"
import { globalFlags, type FlagSpec, type Flags } from "./command-line.js"
import { EXIT_CODE_TABLE, ExitCode, UsageError } from "./exit-codes.js"
import { FRUXKIT_VERSION } from "../version.js"

const flagData = (flags: Flags) =>
  Object.entries<FlagSpec>(flags).map(([name, spec]) => ({
    name: `--${name}`,
    ...(spec.short ? { short: `-${spec.short}` } : {}),
    type: spec.type === "boolean" ? "boolean" : spec.check?.kind === "count" ? "integer" : spec.check?.kind === "number" ? "number" : spec.check?.kind ?? "string",
    repeatable: spec.multiple === true,
    ...(spec.value ? { value: spec.value } : {}),
    ...(spec.check?.kind === "choice" ? { choices: spec.check.choices } : {}),
    ...(spec.check?.kind === "number" && spec.check.min !== undefined ? { min: spec.check.min } : {}),
    ...(spec.check?.kind === "number" && spec.check.max !== undefined ? { max: spec.check.max } : {}),
    ...(spec.check?.kind === "count" ? { min: spec.check.min } : {}),
    ...(spec.default !== undefined ? { default: spec.default } : {}),
    description: spec.description
  }))

export const commandData = (command: CommandDefinition) => ({
  name: command.name,
  summary: command.summary,
  usage: command.usage,
  args: (command.args ?? []).map((a) => ({ name: a.name, required: a.required, description: a.description })),
  flags: flagData(command.flags),
  ...(command.jsonShape ? { json: command.jsonShape } : {}),
  examples: command.examples ?? []
})

export const describeCommand = (all: () => ReadonlyArray<CommandDefinition>): CommandDefinition => ({
  name: "describe",
  summary: "The command tree as data (commands, flags, types, defaults, exit codes) for agents",
  usage: "fruxkit describe [COMMAND] --json",
  flags: {},
  args: [{ name: "COMMAND", required: false, description: "Only this command" }],
  jsonShape: '{"name","version","globalFlags":[…],"exitCodes":[{"code","name","meaning"}],"commands":[{"name","summary","usage","args","flags","examples"}]}; with COMMAND: that command\'s object',
  examples: [
    { command: "fruxkit describe --json | jq '.commands[].name'", says: "every command's name" },
    { command: "fruxkit describe eval --json", says: "eval's flags, their types and defaults" }
  ],
  run: async (context) => {
    const [name] = context.positionals
    if (name !== undefined) {
      const command = all().find((c) => c.name === name)
      if (!command) throw new UsageError(`no command "${name}"`, "see fruxkit describe --json for every command")
      if (context.json) printJson(context, commandData(command))
      else print(context, `${command.name}: ${command.summary}\n  ${command.usage}`)
      return ExitCode.Ok
    }
    if (context.json) {
      printJson(context, {
        name: "fruxkit",
        version: FRUXKIT_VERSION,
        globalFlags: flagData(globalFlags),
        exitCodes: EXIT_CODE_TABLE,
        commands: all().map(commandData)
      })
    } else print(context, all().map((c) => `${c.name}: ${c.summary}\n  ${c.usage}`).join("\n"))
    return ExitCode.Ok
  }
})
