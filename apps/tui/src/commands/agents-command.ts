/** `fruxkit agents`: the tenant's agents. */
import { print, printJson, type CommandDefinition } from "./command.js"
import { ExitCode } from "./exit-codes.js"
import { table } from "./tables.js"

export const agentsCommand: CommandDefinition = {
  name: "agents",
  summary: "List the tenant's agents",
  usage: "fruxkit agents",
  flags: {},
  examples: [{ command: "fruxkit agents -o json | jq -r '.[].id'", says: "the agents' ids" }],
  jsonShape: "Agent[]",
  run: async (context) => {
    const { client, settings } = await context.open()
    const agents = await client.listAgents({ tenant: settings.tenant })
    if (context.json) printJson(context, agents)
    else print(context, table(["id", "deployed", "name"], agents.map((a) => [a.id, `rev ${a.currentRevision}`, a.displayName])))
    return ExitCode.Ok
  }
}
