/**
 * A run named the way people copy it: the full id, or a unique prefix of it
 * (the TUI and `fruxkit runs` show 8 characters). A prefix is looked up in the
 * agent's run history; transient runs are not there, so they need the full id.
 */
import type { PromiseClient } from "@fruxkit/core"
import { CommandFailure } from "./error-report.js"
import { UsageError } from "./exit-codes.js"

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** How far back a prefix is looked for; a run older than this needs its full id. */
const PREFIX_SEARCH_LIMIT = 1000
export const MIN_PREFIX = 4

export const resolveRunId = async (client: PromiseClient, ref: { readonly tenant: string; readonly agent: string }, typed: string): Promise<string> => {
  if (UUID.test(typed)) return typed.toLowerCase()
  const prefix = typed.toLowerCase()
  if (prefix.length < MIN_PREFIX || !/^[0-9a-f-]+$/.test(prefix)) {
    throw new UsageError(`"${typed}" is not a run id or a prefix of one (at least ${MIN_PREFIX} hex characters)`)
  }
  const matches: Array<string> = []
  let seen = 0
  for await (const run of client.listEvaluationRuns({ ...ref, query: { PageSize: 100 } })) {
    if (run.id.toLowerCase().startsWith(prefix)) matches.push(run.id)
    if (++seen >= PREFIX_SEARCH_LIMIT || matches.length > 1) break
  }
  if (matches.length === 1) return matches[0]!
  if (matches.length === 0) {
    throw new CommandFailure(
      `no evaluation run of ${ref.agent} starts with "${typed}"`,
      "not_found",
      `list them: fruxkit runs --agent ${ref.agent} (a transient run needs its full id)`
    )
  }
  throw new UsageError(`"${typed}" matches more than one run (${matches.map((id) => id.slice(0, 12)).join(", ")}, …): type more of it`)
}
