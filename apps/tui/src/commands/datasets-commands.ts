/** `fruxkit datasets` and `fruxkit datasets create`: an agent's evaluation datasets, and a new (empty) one to curate into. */
import { print, printJson, type CommandDefinition } from "./command.js"
import { requiredString, stringFlag } from "./command-line.js"
import { ExitCode, UsageError } from "./exit-codes.js"
import { table } from "./tables.js"

const samples = (count: number) => `${count} sample${count === 1 ? "" : "s"}`

export const datasetsCommand: CommandDefinition = {
  name: "datasets",
  summary: "List an agent's evaluation datasets",
  usage: "fruxkit datasets --agent ID",
  flags: { agent: { type: "string", value: "ID", description: "The agent" } },
  jsonShape: "Dataset[]",
  examples: [{ command: "fruxkit datasets --agent support_bot", says: "each dataset's name, id and sample count" }],
  run: async (context) => {
    const agent = requiredString(context.values, "agent")
    const { client, settings } = await context.open()
    const datasets = await client.listDatasets({ tenant: settings.tenant, agent })
    if (context.json) printJson(context, datasets)
    else if (datasets.length === 0) print(context, `agent ${agent} has no datasets yet: fruxkit datasets create --agent ${agent} --name NAME`)
    else print(context, table(["name", "id", "samples"], datasets.map((d) => [d.name, d.id, samples(d.sampleCount)])))
    return ExitCode.Ok
  }
}

export const datasetsCreateCommand: CommandDefinition = {
  name: "datasets create",
  summary: "Create an empty evaluation dataset for an agent (curate into it with `fruxkit add`)",
  usage: "fruxkit datasets create --agent ID --name NAME [--description TEXT]",
  flags: {
    agent: { type: "string", value: "ID", description: "The agent" },
    name: { type: "string", value: "NAME", description: "The dataset's name (unique per agent)" },
    description: { type: "string", value: "TEXT", description: "What the dataset is for" }
  },
  jsonShape: "Dataset",
  examples: [
    { command: "fruxkit datasets create --agent support_bot --name regressions", says: "a new dataset (exit 13 when the name is taken)" }
  ],
  run: async (context) => {
    const agent = requiredString(context.values, "agent")
    const name = requiredString(context.values, "name").trim()
    if (name === "") throw new UsageError("--name must not be empty")
    const description = stringFlag(context.values, "description")
    const { client, settings } = await context.open()
    const dataset = await client.createDataset({
      tenant: settings.tenant,
      agent,
      body: { name, ...(description !== undefined ? { description } : {}) }
    })
    if (context.json) printJson(context, dataset)
    else print(context, `created dataset ${dataset.name} (${dataset.id}) for ${agent}`)
    return ExitCode.Ok
  }
}
