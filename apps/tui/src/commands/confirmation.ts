/**
 * Asking before something that cannot be undone (`deploy`, `draft push
 * --force` over a moved head, `revisions create --deploy`,
 * `eval --deploy-if-passed`): `--yes` answers for the user; a person at a
 * terminal gets a y/N question on stderr; nobody else (CI, agent mode, a
 * pipe) can answer: exit 16 (`interactive_required`), before anything was
 * written. Every command that asks goes through here, so the flag, the
 * question and the refusal read the same everywhere.
 */
import { CommandFailure, type CommandContext } from "./command.js"
import { loadBuiltin } from "./on-demand-builtin.js"

/** The `--yes` flag of a command that asks first; `question` names what it answers ("the --force question"). */
export const yesFlag = (question: string) =>
  ({ yes: { type: "boolean", short: "y", description: `Answer yes to ${question} (needed without a terminal or in CI)` } }) as const

/**
 * Refuse now (exit 16) unless the question can be answered later: `--yes`, or
 * a person at a terminal. For commands that must not start work they could
 * not finish (eval's run before its deploy).
 */
export const requireAnswerable = (context: CommandContext, message: string, hint = "pass --yes to confirm"): void => {
  if (context.values.yes !== true && !context.output.canPrompt) throw new CommandFailure(message, "interactive_required", hint)
}

/** `--yes`, or the person's y/N; exit 16 when nobody can answer. */
export const confirm = async (context: CommandContext, question: string): Promise<boolean> => {
  requireAnswerable(context, `${question} There is no terminal to ask on; nothing was written.`)
  if (context.values.yes === true) return true
  // Loaded only to ask: every command imports this module, few of them ask.
  const readline = loadBuiltin<typeof import("node:readline/promises")>("node:readline/promises")
  const prompt = readline.createInterface({ input: process.stdin, output: context.stderr })
  try {
    const answer = await prompt.question(`${question} [y/N] `)
    return /^y(es)?$/i.test(answer.trim())
  } finally {
    prompt.close()
  }
}

/** Go on only after a yes: a "no" stops the command with `declined()` (nothing written yet). */
export const confirmOrStop = async (context: CommandContext, question: string, declined: () => Error): Promise<void> => {
  if (!(await confirm(context, question))) throw declined()
}
