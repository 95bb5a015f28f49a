/**
 * `fruxkit draft test | evaluate`: run the draft a file holds. The file is
 * pushed first when it changed since its last pull or push (a moved head is
 * exit 13, nothing ran), then the head is run at exactly that version.
 * `--agent` instead of a file runs the server's current head.
 */
import type { PromiseClient, StepTrace } from "@fruxkit/core"
import { print, printJson, resolveDatasets, type CommandContext, type CommandDefinition } from "./command.js"
import { durationFlag, integerFlag, listFlag, stringFlag } from "./command-line.js"
import { ExitCode, UsageError } from "./exit-codes.js"
import { fileFlag, fileOf, withDraftErrors } from "./draft-file-commands.js"
import { GATE_JSON_SHAPE, asksForGate, gateFlags, gateOptionsFrom } from "./gate.js"
import { finishRun, reportFlags } from "./run-outcome.js"
import { parametersFrom } from "./test-command.js"
import { waitForRun } from "./wait-for-run.js"
import { readFileState, newestRevision, pushDraft, type DraftRef } from "../draft/draft-sync.js"
import { formatCost, formatDuration } from "../format-units.js"
import { stepCost } from "../trace-cost.js"

/** The head a run names: the file's (pushed if it changed), or the server's current one for `--agent`. */
interface Head extends DraftRef {
  readonly version: number
  /** How the head was reached: `pushed` wrote the file, `unchanged` found it already there. */
  readonly via: "pushed" | "unchanged" | "server"
}

const headToRun = async (client: PromiseClient, tenant: string, context: CommandContext): Promise<Head> => {
  const agent = stringFlag(context.values, "agent")
  if (agent !== undefined) {
    if (stringFlag(context.values, "file") !== undefined) throw new UsageError("name the draft once: -f FILE or --agent ID")
    const revision = integerFlag(context.values, "revision") ?? (await newestRevision(client, tenant, agent))
    const draft = await client.getDraft({ tenant, agent, revision })
    if (!draft) throw new UsageError(`revision ${revision} of ${agent} has no draft; pull and push one first`)
    return { tenant, agent, revision, version: draft.version, via: "server" }
  }
  const file = fileOf(context)
  const state = await readFileState(file)
  const ref = { tenant, agent: state.content.agent, revision: state.content.baseRevision }
  if (!state.changed && state.sidecar?.version != null) return { ...ref, version: state.sidecar.version, via: "unchanged" }
  const pushed = await pushDraft(client, tenant, file)
  return { ...ref, version: pushed.draft.version, via: "pushed" }
}

const headFlags = {
  ...fileFlag,
  agent: { type: "string", value: "ID", description: "Run the server's current head of this agent's draft instead of a file" },
  revision: { type: "string", value: "N", check: { kind: "count", min: 0 }, description: "With --agent: the base revision (default: the newest)" }
} as const

const flatSteps = (steps: ReadonlyArray<StepTrace>, depth = 0): Array<{ step: StepTrace; depth: number }> =>
  steps.flatMap((step) => [{ step, depth }, ...flatSteps(step.steps, depth + 1)])

const ndjson = (context: CommandContext, event: Record<string, unknown>): void => {
  context.stdout.write(`${JSON.stringify(event)}\n`)
}

export const draftTestCommand: CommandDefinition = {
  name: "draft test",
  summary: "Push the draft file if it changed, then run its head once (the studio's Test)",
  usage: "fruxkit draft test [-f agent.json | --agent ID] [--param key=value …] [-o ndjson]",
  flags: {
    ...headFlags,
    param: { type: "string", multiple: true, value: "KEY=VALUE", description: "A parameter; the value is JSON when it parses, else text" },
    params: { type: "string", value: "JSON", description: "All parameters as one JSON object (--param wins per key)" }
  },
  jsonShape: 'DraftTestResponse; -o ndjson: {"type":"draft"}, one {"type":"step"} per trace step, then {"type":"result"}',
  run: withDraftErrors(async (context) => {
    const format = context.output.format
    const parameters = parametersFrom(stringFlag(context.values, "params"), listFlag(context.values, "param"))
    const { client, settings } = await context.open()
    const head = await headToRun(client, settings.tenant, context)
    if (format === "ndjson") ndjson(context, { type: "draft", agent: head.agent, baseRevision: head.revision, version: head.version, via: head.via })
    const result = await client.testDraft({ ...head, ifMatch: head.version, body: { parameters } })
    if (format === "json" || format === "csv") printJson(context, result)
    else if (format === "ndjson") {
      for (const { step, depth } of flatSteps(result.trace?.traces ?? [])) {
        ndjson(context, {
          type: "step",
          stepType: step.type,
          depth,
          id: step.id,
          name: step.displayName,
          status: step.status,
          durationMs: step.duration,
          cost: stepCost(step),
          ...(step.error ? { error: step.error } : {})
        })
      }
      ndjson(context, {
        type: "result",
        status: result.status,
        response: result.response,
        executionRecordId: result.executionRecordId,
        durationMs: result.trace?.duration ?? 0,
        cost: result.trace?.totalCost ?? 0
      })
    } else {
      print(context, `draft v${head.version} of ${head.agent} revision ${head.revision}${head.via === "pushed" ? " (pushed first)" : ""}`)
      print(context, `status    ${result.status}\nexecution ${result.executionRecordId}\ncost      ${formatCost(result.trace?.totalCost ?? 0)}\nduration  ${formatDuration(result.trace?.duration ?? 0)}`)
      print(context, `response\n${result.response.split("\n").map((line) => `  ${line}`).join("\n")}`)
    }
    return ["FAILED", "REJECTED", "CANCELLED"].includes(result.status) ? ExitCode.GateFailed : ExitCode.Ok
  })
}

export const draftEvaluateCommand: CommandDefinition = {
  name: "draft evaluate",
  summary: "Evaluate the draft head against the deployed revision (draft:evaluate); gates (--fail-under, …) decide the exit code",
  usage: "fruxkit draft evaluate [-f agent.json | --agent ID] [--dataset NAME] [--wait] [--fail-under 0.8] [--max-regressions N] [--require-deploy] [--junit FILE] [--markdown FILE]",
  flags: {
    ...headFlags,
    dataset: { type: "string", value: "NAME|ID", description: "The dataset (default: all datasets of the agent)" },
    wait: { type: "boolean", description: "Wait for the run to end and print its summary" },
    ...gateFlags,
    ...reportFlags,
    timeout: { type: "string", value: "DURATION", check: { kind: "duration" }, description: "With --wait: give up after this long (default 30m)" }
  },
  jsonShape: `without --wait: EvaluationRun (as started); with --wait or a gate: ${GATE_JSON_SHAPE}`,
  run: withDraftErrors(async (context) => {
    const format = context.output.format
    const gate = gateOptionsFrom(context.values)
    const timeoutMs = durationFlag(context.values, "timeout")
    const wait = context.values.wait === true || asksForGate(gate)
    const datasetName = stringFlag(context.values, "dataset")
    const { client, settings } = await context.open()
    const head = await headToRun(client, settings.tenant, context)
    const ref = { tenant: head.tenant, agent: head.agent }
    const [dataset] = await resolveDatasets(client, ref, datasetName ? [datasetName] : [])
    const started = await client.evaluateDraft({
      ...head,
      ifMatch: head.version,
      body: dataset ? { datasetId: dataset.id } : {}
    })
    if (!wait) {
      if (format === "json") printJson(context, started)
      else if (format === "ndjson") ndjson(context, { type: "started", run: started })
      else
        print(context, `started run ${started.id} on draft v${head.version} of revision ${head.revision}\nfollow it: fruxkit run --agent ${head.agent} --id ${started.id} --wait`)
      return ExitCode.Ok
    }
    const runRef = { ...ref, evaluationRun: started.id }
    const run = await waitForRun(client, context, runRef, { initial: started, timeoutMs, embedded: settings.mode === "embedded" })
    if (format === "table") print(context, `draft v${head.version} of ${head.agent} revision ${head.revision}`)
    const { outcome, exitCode } = await finishRun(context, client, runRef, run, { gate, judged: true, showSamples: false, datasetName: dataset?.name })
    if (format === "table" && outcome.gate.passed) {
      print(context, `save it as a revision: fruxkit revisions create --agent ${head.agent} --revision ${head.revision} --version ${head.version} [--deploy]`)
    }
    return exitCode
  })
}
