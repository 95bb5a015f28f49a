// Start here: a client, one call, a paged list, and the response beside the data.
// Run against a gateway: FRUXKIT_URL=http://127.0.0.1:8787 node quickstart.mjs
import { createFruxonClient, FruxonError } from "@fruxkit/core"

export async function main(baseUrl = process.env.FRUXKIT_URL ?? "http://127.0.0.1:8787", token = process.env.FRUXKIT_API_KEY) {
  const client = createFruxonClient({ baseUrl, token })
  try {
    const { data: agent, response } = await client.getAgent({ tenant: "demo", agent: "support_bot" }).withResponse()
    console.log(`${agent.id}: revision ${agent.currentRevision} (request ${response.headers.get("x-request-id")})`)

    const page = await client.listEvaluationRuns({ tenant: "demo", agent: "support_bot", pageSize: 5 })
    console.log(`${page.data.length} runs on the first page, more: ${page.hasNextPage()}`)
    let runs = 0
    for await (const run of client.listEvaluationRuns({ tenant: "demo", agent: "support_bot" })) runs++
    console.log(`${runs} runs in all`)

    await client.getAgent({ tenant: "demo", agent: "no_such_agent" }).catch((error) => {
      if (!(error instanceof FruxonError.NotFound)) throw error
      console.log(`not found, as expected: ${error.status}`)
    })
    return { agent: agent.id, runs }
  } finally {
    await client.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
