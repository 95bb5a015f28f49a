/**
 * Asking before something that cannot be undone (`--force` over a moved
 * head, `--deploy`): `--yes` answers for the user; a person at a terminal
 * gets a y/N question on stderr; nobody else (CI, agent mode, a pipe) can
 * answer: exit 16 (`interactive_required`), before anything was written.
 */
import * as readline from "node:readline/promises"
import { CommandFailure, type CommandContext } from "./command.js"

export const confirm = async (context: CommandContext, question: string): Promise<boolean> => {
  if (context.values.yes === true) return true
  if (!context.output.canPrompt) {
    throw new CommandFailure(`${question} There is no terminal to ask on; nothing was written.`, "interactive_required", "pass --yes to confirm")
  }
  const prompt = readline.createInterface({ input: process.stdin, output: context.stderr })
  try {
    const answer = await prompt.question(`${question} [y/N] `)
    return /^y(es)?$/i.test(answer.trim())
  } finally {
    prompt.close()
  }
}

export const yesFlag = { yes: { type: "boolean", short: "y", description: "Answer yes to the confirmation (needed without a terminal or in CI)" } } as const
