/**
 * `POST …:addToDatasets?dedupe=true`: create only the samples this execution
 * does not have yet. The work is core's (`addToDatasets({ dedupe: true })`
 * reads `GET …/executionRecords/{id}/samples` first); this answers it in the
 * contract's shape: the body is the array of samples created now (possibly
 * empty), and `Fruxkit-Dedupe-Skipped` lists the datasets that already held one.
 * The create carries the caller's `Idempotency-Key` upstream, scoped to the
 * caller, like every other create.
 */
import * as Schema from "effect/Schema"
import type { MiddlewareHandler } from "hono"
import type { Context } from "hono"
import { AddToDatasetsResponse, type AddToDatasetsRequest, type PromiseClient } from "@fruxkit/core"
import { toAbortSignal } from "../../deadline.js"
import type { GatewayEnv } from "../../env.js"
import type { StoredResponse } from "../../idempotency/store.js"
import { toResponse } from "../../proxy/exchange.js"
import { jsonBytes } from "../../upstream/index.js"
import { requestState } from "../../request-context.js"

export const SKIPPED_HEADER = "fruxkit-dedupe-skipped"

export interface DedupeOptions {
  /** Core's client over the gateway's upstream (upstream/core-client.ts). */
  readonly client: PromiseClient
  /**
   * The upstream de-duplicates by the key it is sent. The caller's key goes
   * upstream either way (scoped, as on every create); without this the call
   * is not retried by core's client once it may have reached the upstream —
   * a key lets core retry a create, which is exact only where keys are honoured.
   */
  readonly upstreamHonoursKeys?: boolean
}

const encodeSamples = Schema.encodeSync(AddToDatasetsResponse)

export const dedupe = (options: DedupeOptions): MiddlewareHandler<GatewayEnv> => {
  const deduped = async (c: Context<GatewayEnv>): Promise<Response> => {
    const { path, body } = requestState(c).decoded
    const signal = requestState(c).signal
    // The caller's Idempotency-Key scoped to the caller (idempotency middleware), as every forwarded create sends it.
    const idempotencyKey = requestState(c).upstreamIdempotencyKey
    const result = await options.client.addToDatasets(
      {
        tenant: String(path.tenant),
        agent: String(path.agent),
        executionRecord: String(path.executionRecord),
        ...(body !== undefined ? { body: body as AddToDatasetsRequest } : {}),
        ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
        dedupe: true
      },
      {
        ...(signal ? { signal: toAbortSignal(signal)! } : {}),
        ...(idempotencyKey !== undefined && !options.upstreamHonoursKeys ? { maxRetries: 0 } : {})
      }
    )
    const answer: StoredResponse = {
      status: 200,
      headers: {
        "content-type": "application/json",
        "x-request-id": requestState(c).requestId,
        [SKIPPED_HEADER]: result.skipped.map((s) => s.datasetId).join(",")
      },
      body: jsonBytes(encodeSamples(result.created))
    }
    requestState(c).upstreamAnswer = answer
    return toResponse(answer)
  }
  return function dedupe(c, next) {
    if (!requestState(c).dedupe) return next()
    return deduped(c)
  }
}
