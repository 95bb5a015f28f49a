/**
 * `POST …:addToDatasets?dedupe=true`: create only the samples this execution
 * does not have yet. The work is core's (`addToDatasets({ dedupe: true })`
 * reads `GET …/executionRecords/{id}/samples` first); the gateway only
 * answers it in the contract's shape: the body is the array of samples
 * created now (possibly empty), and `Fruxkit-Dedupe-Skipped` lists the
 * datasets that already held one.
 */
import * as Schema from "effect/Schema"
import { AddToDatasetsResponse, type AddToDatasetsRequest, type PromiseClient } from "@fruxkit/core"
import { toAbortSignal, type AbortSignalLike } from "../deadline.js"
import type { StoredResponse } from "../idempotency/store.js"
import { jsonBytes } from "../upstream/index.js"

export const SKIPPED_HEADER = "fruxkit-dedupe-skipped"

const encodeSamples = Schema.encodeSync(AddToDatasetsResponse)

export const addToDatasetsDeduped = async (
  client: PromiseClient,
  args: {
    readonly tenant: string
    readonly agent: string
    readonly executionRecord: string
    readonly body: AddToDatasetsRequest | undefined
  },
  signal: AbortSignalLike | undefined
): Promise<StoredResponse> => {
  const result = await client.addToDatasets(
    {
      tenant: args.tenant,
      agent: args.agent,
      executionRecord: args.executionRecord,
      ...(args.body !== undefined ? { body: args.body } : {}),
      dedupe: true
    },
    signal ? { signal: toAbortSignal(signal)! } : undefined
  )
  return {
    status: 200,
    headers: {
      "content-type": "application/json",
      [SKIPPED_HEADER]: result.skipped.map((s) => s.datasetId).join(",")
    },
    body: jsonBytes(encodeSamples(result.created))
  }
}
