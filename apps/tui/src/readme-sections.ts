/**
 * The README's key and command reference, written from the same tables the
 * app and `--help` use (`pnpm --filter @fruxkit/tui readme` rewrites them; a
 * test fails when they drift).
 */
import { commandTable, keyLabel, type Command } from "./ui/keys/bindings.js"
import { commands } from "./commands/index.js"
import { flagHelp } from "./commands/command-line.js"
import { EXIT_CODE_TABLE } from "./commands/exit-codes.js"

export const keysMarkdown = (): string =>
  [
    "| keys | command | what it does |",
    "| --- | --- | --- |",
    ...(Object.keys(commandTable) as Array<Command>).map(
      (command) => `| ${keyLabel(command).replace(/\|/g, "\\|")} | ${commandTable[command].hint} | ${commandTable[command].description} |`
    )
  ].join("\n")

export const commandsMarkdown = (): string =>
  commands
    .map((command) =>
      [
        `### \`fruxkit ${command.name}\``,
        "",
        command.summary + ".",
        "",
        "```",
        command.usage,
        ...(Object.keys(command.flags).length > 0 ? ["", flagHelp(command.flags)] : []),
        ...(command.examples ?? []).flatMap((e) => ["", `# ${e.says}`, e.command]),
        "```",
        ...(command.jsonShape ? ["", `JSON: ${command.jsonShape.replace(/\|/g, "\\|")}`] : [])
      ].join("\n")
    )
    .join("\n\n")

export const exitCodesMarkdown = (): string =>
  ["| code | name | meaning |", "| --- | --- | --- |", ...EXIT_CODE_TABLE.map((row) => `| ${row.code} | \`${row.name}\` | ${row.meaning} |`)].join("\n")

export const SECTIONS = { keys: keysMarkdown, commands: commandsMarkdown, "exit-codes": exitCodesMarkdown } as const

/** Replace each `<!-- generated:name -->…<!-- /generated:name -->` block with its fresh text. */
export const regenerate = (readme: string): string =>
  Object.entries(SECTIONS).reduce(
    (text, [name, make]) =>
      text.replace(
        new RegExp(`(<!-- generated:${name} -->)[\\s\\S]*?(<!-- /generated:${name} -->)`),
        (_, open: string, close: string) => `${open}\n${make()}\n${close}`
      ),
    readme
  )
