/** `fruxkit runs`: an agent's evaluation runs, newest first. */
import { EvaluationRunStatus, type EvaluationRun } from "@fruxkit/core"
import { print, printJson, type CommandDefinition } from "./command.js"
import { integerFlag, listFlag, requiredString } from "./command-line.js"
import { ExitCode, UsageError } from "./exit-codes.js"
import { table } from "./tables.js"
import { formatScore, formatTime, shortId } from "../format-units.js"
import { progressCell, runProgress } from "../run-progress.js"

export const runsCommand: CommandDefinition = {
  name: "runs",
  summary: "List an agent's evaluation runs, newest first",
  usage: "fruxkit runs --agent ID [--status COMPLETED …] [--candidate-revision N] [--limit 20]",
  flags: {
    agent: { type: "string", value: "ID", description: "The agent" },
    status: { type: "string", multiple: true, value: "STATUS", description: "Only runs with this status (repeatable)" },
    "candidate-revision": { type: "string", value: "N", check: { kind: "count", min: 1 }, description: "Only runs of this candidate revision" },
    limit: { type: "string", value: "N", check: { kind: "count", min: 1 }, default: "20", description: "At most N runs" }
  },
  examples: [
    { command: "fruxkit runs --agent support_bot --status COMPLETED --limit 5", says: "the last five completed runs" },
    { command: "fruxkit runs --agent support_bot -o json | jq -r '.[0].id'", says: "the newest run's id" }
  ],
  jsonShape: "EvaluationRun[] (newest first)",
  run: async (context) => {
    const agent = requiredString(context.values, "agent")
    const statuses = listFlag(context.values, "status").map((s) => s.toUpperCase())
    for (const status of statuses) {
      if (!EvaluationRunStatus.is(status)) throw new UsageError(`--status is one of ${EvaluationRunStatus.values.join(", ")}`)
    }
    const limit = integerFlag(context.values, "limit") ?? 20
    const candidateRevision = integerFlag(context.values, "candidate-revision")
    const { client, settings } = await context.open()
    const runs: Array<EvaluationRun> = []
    const query = {
      PageSize: Math.min(Math.max(limit, 1), 100),
      ...(statuses.length > 0 ? { status: statuses as Array<(typeof EvaluationRunStatus.values)[number]> } : {}),
      ...(candidateRevision !== undefined ? { candidateRevision } : {})
    }
    if (limit > 0) {
      for await (const run of client.listEvaluationRuns({ tenant: settings.tenant, agent, query })) {
        runs.push(run)
        if (runs.length >= limit) break
      }
    }
    if (context.json) printJson(context, runs)
    else if (runs.length === 0) print(context, "no evaluation runs")
    else if (context.output.format === "ndjson") for (const r of runs) print(context, JSON.stringify(r))
    else
      print(
        context,
        table(
          ["id", "status", "candidate", "score", "recommendation", "created"],
          // A running run has no recommendation yet: its cell shows how far it got, its rate and ETA instead.
          runs.map((r) => [
            shortId(r.id),
            r.status,
            r.candidateRevision !== null ? `rev ${r.candidateRevision}` : "external",
            formatScore(r.score),
            r.deploymentRecommendation ?? progressCell(runProgress(r, Date.now())) ?? "—",
            formatTime(r.createdAt)
          ])
        )
      )
    return ExitCode.Ok
  }
}
