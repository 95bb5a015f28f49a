/** Datasets: fruxkit's own shape (the contract has no public page for them). */
import { randomUUID } from "node:crypto"
import type { LocalContext } from "../LocalContext.js"
import * as DatasetRepository from "../store/DatasetRepository.js"
import { pageRequest } from "./paging.js"
import * as SampleRepository from "../store/SampleRepository.js"
import type { Handlers } from "./handler-types.js"
import { HttpProblem } from "./HttpProblem.js"
import { withKey } from "./keyed-create.js"
import { loadAgent } from "./lookups.js"

export const datasetHandlers = (
  ctx: LocalContext
): Handlers<"listDatasets" | "createDataset" | "getDataset" | "listDatasetSamples"> => {
  const loadDataset = async (tenant: string, agentId: string, id: string) => {
    await loadAgent(ctx, tenant, agentId)
    const found = await ctx.store.run(DatasetRepository.findDataset(tenant, agentId, id))
    if (!found) throw HttpProblem.notFound("Dataset", `dataset "${id}" does not exist for agent "${agentId}"`)
    return found
  }
  return {
    listDatasets: async ({ path }) => {
      await loadAgent(ctx, path.tenant, path.agent)
      return ctx.store.run(DatasetRepository.listDatasets(path.tenant, path.agent))
    },

    createDataset: async ({ path, body, key }) => {
      await loadAgent(ctx, path.tenant, path.agent)
      const existing = await ctx.store.run(DatasetRepository.findDatasetByName(path.tenant, path.agent, body.name))
      if (existing) {
        throw HttpProblem.conflict("dataset-name-taken", "Dataset name taken", `agent "${path.agent}" already has a dataset named "${body.name}"`)
      }
      const count = (await ctx.store.run(DatasetRepository.listDatasets(path.tenant, path.agent))).length
      if (count >= ctx.datasetCap) {
        // 422, as for the environment cap: the request is valid, the agent is full.
        throw HttpProblem.of("InvalidRequest", {
          status: 422,
          type: "dataset-cap-reached",
          title: "Dataset cap reached",
          detail: `agent "${path.agent}" already has ${count} datasets, the cap is ${ctx.datasetCap}`,
          extensions: { datasetCap: ctx.datasetCap }
        })
      }
      return ctx.store.transaction(withKey(key,
        DatasetRepository.insertDataset({
          id: randomUUID(),
          tenant: path.tenant,
          agentId: path.agent,
          name: body.name,
          description: body.description ?? "",
          now: Date.now()
        })
      ))
    },

    getDataset: async ({ path }) => loadDataset(path.tenant, path.agent, path.dataset),

    listDatasetSamples: async ({ path, query }) => {
      const dataset = await loadDataset(path.tenant, path.agent, path.dataset)
      return ctx.store.run(SampleRepository.listSamplesOfDataset(path.tenant, dataset.id, pageRequest(query)))
    }
  }
}
