/**
 * Core's client bound to the gateway's upstream, for the gateway's own
 * calls: the shared run pollers (`awaitEvaluationRun`) and dedupe
 * (`addToDatasets({ dedupe: true })`). Requests go through the same
 * upstream as proxied ones, so the credential injection is the same.
 */
import { createFruxonClient, Endpoints, Route, type PromiseClient } from "@fruxkit/core"
import type { GatewayMetrics } from "../metrics.js"
import { upstreamFetch, type Upstream } from "./index.js"
import type { UpstreamRunBodies } from "../waiting/upstream-run-bodies.js"
import { keyString, type RunKey } from "../waiting/run-watchers.js"

/** The client needs an absolute base URL; the upstream ignores the origin. */
const PLACEHOLDER_BASE = "http://upstream.invalid"

/** Polls are the run reads: matched by core's router, not by a second copy of the path. */
const router = Route.makeRouter([Endpoints.getEvaluationRun])

/**
 * `runBodies`: where each run body read is recorded, so answers re-encoded
 * from it keep the fields core's schema does not know (waiting/upstream-run-bodies.ts).
 */
export const createUpstreamClient = (upstream: Upstream, metrics: GatewayMetrics, runBodies?: UpstreamRunBodies): PromiseClient => {
  const send = upstreamFetch(upstream)
  const counting: typeof globalThis.fetch = async (input, init) => {
    const request = input instanceof Request ? input : undefined
    const url = request ? request.url : String(input)
    const method = (init?.method ?? request?.method ?? "GET").toUpperCase()
    const runRead = router.match(method, new URL(url).pathname)
    if (runRead._tag !== "Matched") return send(input, init)
    metrics.upstreamPolls.inc({ route: Endpoints.getEvaluationRun.name })
    const response = await send(input, init)
    if (runBodies === undefined || !response.ok) return response
    // Read here, before core's client decodes it: the recorded body is the one the decoded run came from.
    const text = await response.text()
    try {
      runBodies.record(keyString(runRead.params as unknown as RunKey), JSON.parse(text))
    } catch {
      // Not JSON: core's decoder says so.
    }
    return new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers })
  }
  return createFruxonClient({ baseUrl: PLACEHOLDER_BASE, fetch: counting, userAgent: "fruxkit-gateway/0.1" })
}
