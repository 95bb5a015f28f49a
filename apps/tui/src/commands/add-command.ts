/** `fruxkit add`: snapshot an execution into datasets (skipping datasets that hold it already, unless --no-dedupe). */
import { print, printJson, resolveDatasets, type CommandDefinition } from "./command.js"
import { listFlag, requiredString, stringFlag } from "./command-line.js"
import { ExitCode, UsageError } from "./exit-codes.js"
import { QUALITIES, parseTags, type Quality } from "../ui/state/curateForm.js"

export const addCommand: CommandDefinition = {
  name: "add",
  summary: "Add an execution to datasets as evaluation samples",
  usage: "fruxkit add --agent ID --execution ID --dataset NAME … [--quality GOOD] [--tag T …] [--no-dedupe]",
  examples: [
    { command: "fruxkit add --agent support_bot --execution 7d9f8e6c-… --dataset golden --tag refunds", says: "keep a tested execution as a golden sample" }
  ],
  jsonShape: "{created: EvaluationSample[], skipped: [{datasetId, existing}]}; with --no-dedupe: EvaluationSample[]",
  flags: {
    agent: { type: "string", value: "ID", description: "The agent" },
    execution: { type: "string", value: "ID", description: "The execution record (e.g. from `fruxkit test`)" },
    dataset: { type: "string", multiple: true, value: "NAME|ID", description: "A dataset, by name or id (repeat for several)" },
    quality: { type: "string", value: "Q", check: { kind: "choice", choices: QUALITIES }, default: "GOOD", description: "Sample quality" },
    tag: { type: "string", multiple: true, value: "TAG", description: "A tag (repeat, or comma-separate)" },
    "no-dedupe": { type: "boolean", description: "Add even to datasets that already hold this execution" }
  },
  run: async (context) => {
    const agent = requiredString(context.values, "agent")
    const executionRecord = requiredString(context.values, "execution")
    const names = listFlag(context.values, "dataset")
    if (names.length === 0) throw new UsageError("--dataset is required (at least one)")
    const quality = (stringFlag(context.values, "quality") ?? "GOOD").toUpperCase()
    if (!(QUALITIES as ReadonlyArray<string>).includes(quality)) throw new UsageError(`--quality is one of ${QUALITIES.join(", ")}`)
    const tags = parseTags(listFlag(context.values, "tag").join(","))
    const { client, settings } = await context.open()
    const ref = { tenant: settings.tenant, agent }
    const datasets = await resolveDatasets(client, ref, names)
    const nameOf = (id: string) => datasets.find((d) => d.id === id)?.name ?? id
    const args = { ...ref, executionRecord, body: { datasetIds: datasets.map((d) => d.id), quality: quality as Quality, tags } }
    if (context.values["no-dedupe"] === true) {
      const created = await client.addToDatasets(args)
      if (context.json) printJson(context, created)
      else for (const sample of created) print(context, `added to ${nameOf(sample.datasetId)}: sample ${sample.id}`)
      return ExitCode.Ok
    }
    const result = await client.addToDatasets({ ...args, dedupe: true })
    if (context.json) printJson(context, result)
    else {
      for (const sample of result.created) print(context, `added to ${nameOf(sample.datasetId)}: sample ${sample.id}`)
      for (const skip of result.skipped) {
        print(context, `skipped ${nameOf(skip.datasetId)}: already holds this execution (sample ${skip.existing.id})`)
      }
    }
    return ExitCode.Ok
  }
}
