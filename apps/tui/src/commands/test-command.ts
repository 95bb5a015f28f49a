/** `fruxkit test`: run the draft forked from a revision, print response, status, cost and trace. */
import type { StepTrace } from "@fruxkit/core"
import { CommandFailure, print, printJson, type CommandDefinition } from "./command.js"
import { integerFlag, listFlag, pairs, requiredString, stringFlag } from "./command-line.js"
import { ExitCode, UsageError } from "./exit-codes.js"
import { reportOf } from "./error-report.js"
import { facts } from "./tables.js"
import { parseParameterValue } from "../ui/state/draftTestForm.js"
import { formatCost, formatDuration, oneLine } from "../format-units.js"
import { stepCost } from "../trace-cost.js"

/** The trace in order, each step with its depth and path, for `-o ndjson`'s `step` events. */
const flattenSteps = (
  steps: ReadonlyArray<StepTrace>,
  depth = 0,
  parent = ""
): Array<{ depth: number; path: string; id: string; name: string; stepType: string; status: string; durationMs: number; cost: number; error: string | null }> =>
  steps.flatMap((step, index) => {
    const path = parent ? `${parent}.${index}` : String(index)
    return [
      {
        depth,
        path,
        id: step.id,
        name: step.displayName || step.id,
        stepType: step.type,
        status: step.status,
        durationMs: step.duration,
        cost: stepCost(step),
        error: step.error || null
      },
      ...flattenSteps(step.steps, depth + 1, path)
    ]
  })

const traceLines = (steps: ReadonlyArray<StepTrace>, depth = 0): Array<string> =>
  steps.flatMap((step) => [
    `${"  ".repeat(depth + 1)}${step.displayName || step.id} ${step.type} ${step.status} ${formatDuration(step.duration)} ${formatCost(stepCost(step))}${step.error ? ` — ${oneLine(step.error)}` : ""}`,
    ...traceLines(step.steps, depth + 1)
  ])

export const parametersFrom = (json: string | undefined, params: ReadonlyArray<string>): Record<string, unknown> => {
  let parameters: Record<string, unknown> = {}
  if (json !== undefined) {
    let parsed: unknown
    try {
      parsed = JSON.parse(json)
    } catch {
      throw new UsageError("--params must be a JSON object")
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new UsageError("--params must be a JSON object")
    parameters = { ...(parsed as Record<string, unknown>) }
  }
  for (const [key, value] of pairs(params, "param")) parameters[key] = parseParameterValue(value)
  return parameters
}

export const testCommand: CommandDefinition = {
  name: "test",
  summary: "Run a draft (the studio's Test) and print its response, status, cost and trace",
  usage: "fruxkit test --agent ID [--revision N] [--param key=value …] [--mode sandbox] [--env SLUG] [--session ID]",
  examples: [
    { command: 'fruxkit test --agent support_bot --param question="Where is my order?"', says: "test the newest revision's draft" },
    { command: "fruxkit test --agent support_bot --revision 2 --params '{\"question\":\"hi\"}' -o json", says: "the whole DraftTestResponse as JSON" }
  ],
  jsonShape:
    'the API\'s DraftTestResponse (status, response, executionRecordId, sessionId, trace); -o ndjson: {"type":"start"}, {"type":"step", depth, path, name, stepType, status, durationMs, cost, error} per trace step, then {"type":"done","result"} or {"type":"error","error"}',
  flags: {
    agent: { type: "string", value: "ID", description: "The agent" },
    revision: { type: "string", value: "N", check: { kind: "count", min: 1 }, description: "The base revision the draft forks from (default: the newest)" },
    param: { type: "string", multiple: true, value: "KEY=VALUE", check: { kind: "pair" }, description: "A parameter; the value is JSON when it parses, else text" },
    params: { type: "string", value: "JSON", description: "All parameters as one JSON object (--param wins per key)" },
    mode: { type: "string", value: "MODE", check: { kind: "choice", choices: ["production", "sandbox"] }, default: "production", description: "production or sandbox" },
    env: { type: "string", value: "SLUG", description: "Environment slug (created on first use)" },
    session: { type: "string", value: "ID", description: "Continue this session (conversation continuity)" },
    "if-match": { type: "string", value: "VERSION", check: { kind: "count", min: 0 }, description: "The draft version you expect (default: the current head's)" }
  },
  run: async (context) => {
    const agent = requiredString(context.values, "agent")
    const mode = stringFlag(context.values, "mode")
    if (mode !== undefined && !["production", "sandbox"].includes(mode.toLowerCase())) {
      throw new UsageError(`--mode is production or sandbox, got "${mode}"`)
    }
    const parameters = parametersFrom(stringFlag(context.values, "params"), listFlag(context.values, "param"))
    const expected = integerFlag(context.values, "if-match")
    let revision = integerFlag(context.values, "revision")
    const { client, settings } = await context.open()
    const tenant = settings.tenant
    if (revision === undefined) {
      const revisions = await client.listRevisions({ tenant, agent })
      revision = revisions.reduce((max, r) => Math.max(max, r.agentRevision), 0)
      if (revision === 0) throw new CommandFailure(`agent ${agent} has no revisions`)
    }
    const ref = { tenant, agent, revision }
    let version = expected
    if (version === undefined) {
      const draft = await client.getDraft(ref)
      if (!draft) throw new CommandFailure(`revision ${revision} of ${agent} has no draft to test`)
      version = draft.version
    }
    const env = stringFlag(context.values, "env")
    const session = stringFlag(context.values, "session")
    const events = context.output.format === "ndjson"
    const emit = (event: Record<string, unknown>) => print(context, JSON.stringify(event))
    if (events) emit({ type: "start", agent, revision, version })
    let result
    try {
      result = await client.testDraft({
        ...ref,
        ifMatch: version,
        body: {
          parameters,
          mode: mode?.toLowerCase() === "sandbox" ? "SANDBOX" : "PRODUCTION",
          ...(env ? { environmentSlug: env } : {}),
          ...(session ? { sessionId: session } : {})
        }
      })
    } catch (error) {
      // The stream ends with what went wrong; the one-line envelope still goes to stderr.
      if (events) emit({ type: "error", error: reportOf(error, "test") })
      throw error
    }
    if (context.json) printJson(context, result)
    else if (events) {
      for (const step of flattenSteps(result.trace?.traces ?? [])) emit({ type: "step", ...step })
      emit({ type: "done", result })
    } else {
      print(
        context,
        facts([
          ["status", result.status],
          ["execution", result.executionRecordId],
          ["session", result.sessionId || "—"],
          ...(result.humanApprovalRequestId ? ([["approval", `waiting for a human (request ${result.humanApprovalRequestId})`]] as const) : []),
          ["cost", formatCost(result.trace?.totalCost ?? 0)],
          ["duration", formatDuration(result.trace?.duration ?? 0)],
          ["draft", `v${version} of revision ${revision}`]
        ])
      )
      print(context, `response\n${result.response.split("\n").map((line) => `  ${line}`).join("\n")}`)
      const steps = traceLines(result.trace?.traces ?? [])
      if (steps.length > 0) print(context, `trace\n${steps.join("\n")}`)
    }
    return ["FAILED", "REJECTED", "CANCELLED"].includes(result.status) ? ExitCode.GateFailed : ExitCode.Ok
  }
}
