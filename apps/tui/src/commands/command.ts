/** What every scriptable command is: its flags and arguments (for parsing, help, describe, completion) and a run that answers an exit code. */
import type { Writable } from "node:stream"
import type { PromiseClient } from "@fruxkit/core"
import type { Connection } from "../connection.js"
import type { ExitCode } from "./exit-codes.js"
import type { ArgSpec, Flags, ParsedValues } from "./command-line.js"
import { CommandFailure } from "./error-report.js"
import type { OutputMode } from "./output-mode.js"

export { CommandFailure } from "./error-report.js"

export interface CommandContext {
  readonly values: ParsedValues
  readonly positionals: ReadonlyArray<string>
  /** JSON on stdout: `-o json`, `--json`, or agent mode's default. */
  readonly json: boolean
  readonly output: OutputMode
  readonly open: () => Promise<Connection>
  readonly stdout: Writable
  /** Progress goes here, and only when it is a terminal and nobody asked for agent mode. */
  readonly stderr: Writable & { readonly isTTY?: boolean }
  readonly stdin: { readonly isTTY?: boolean }
  readonly env: Readonly<Record<string, string | undefined>>
}

export interface CommandExample {
  readonly command: string
  readonly says: string
}

export interface CommandDefinition {
  readonly name: string
  readonly summary: string
  readonly usage: string
  readonly flags: Flags
  /** Positional arguments; anything beyond them is a usage error. */
  readonly args?: ReadonlyArray<ArgSpec>
  readonly examples?: ReadonlyArray<CommandExample>
  /** What `--json` prints, in a few words (help and `describe`). */
  readonly jsonShape?: string
  readonly run: (context: CommandContext) => Promise<ExitCode>
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
    throw new CommandFailure(`agent ${ref.agent} has no dataset named "${name}"`, "not_found", `datasets: ${known}`)
  })
}
