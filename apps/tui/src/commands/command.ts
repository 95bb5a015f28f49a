/** What every scriptable command is: its flags (for parsing and help) and a run that answers an exit code. */
import type { Writable } from "node:stream"
import type { PromiseClient } from "@fruxkit/core"
import type { Connection } from "../connection.js"
import type { ExitCode } from "./exit-codes.js"
import type { Flags, ParsedValues } from "./command-line.js"

export interface CommandContext {
  readonly values: ParsedValues
  readonly positionals: ReadonlyArray<string>
  readonly json: boolean
  readonly open: () => Promise<Connection>
  readonly stdout: Writable
  /** Progress goes here, and only when it is a terminal. */
  readonly stderr: Writable & { readonly isTTY?: boolean }
  readonly env: Readonly<Record<string, string | undefined>>
}

export interface CommandDefinition {
  readonly name: string
  readonly summary: string
  readonly usage: string
  readonly flags: Flags
  readonly run: (context: CommandContext) => Promise<ExitCode>
}

/** A failure the command explains itself (exit 1): "no dataset named x". */
export class CommandFailure extends Error {
  override readonly name = "CommandFailure"
}

export const printJson = (context: CommandContext, value: unknown): void => {
  context.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

export const print = (context: CommandContext, text: string): void => {
  context.stdout.write(text.endsWith("\n") ? text : `${text}\n`)
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A dataset named by id or by name, as the user typed it. */
export const resolveDatasets = async (
  client: PromiseClient,
  ref: { readonly tenant: string; readonly agent: string },
  names: ReadonlyArray<string>
): Promise<Array<{ id: string; name: string }>> => {
  if (names.length === 0) return []
  // Ids need no lookup: a server without fruxkit's dataset listing (a remote Fruxon) still takes them.
  if (names.every((name) => UUID.test(name))) return names.map((id) => ({ id, name: id }))
  const datasets = await client.listDatasets(ref)
  return names.map((name) => {
    const found = datasets.find((d) => d.id === name || d.name === name)
    if (found) return { id: found.id, name: found.name }
    if (UUID.test(name)) return { id: name, name }
    const known = datasets.map((d) => d.name).join(", ") || "none"
    throw new CommandFailure(`agent ${ref.agent} has no dataset named "${name}" (datasets: ${known})`)
  })
}
