/**
 * Core's client bound to the gateway's upstream, for the gateway's own
 * calls: the shared run pollers (`awaitEvaluationRun`) and dedupe
 * (`addToDatasets({ dedupe: true })`). Requests go through the same
 * upstream as proxied ones, so the credential injection is the same.
 */
import { createFruxonClient, type PromiseClient } from "@fruxkit/core"
import type { GatewayMetrics } from "../metrics.js"
import { upstreamFetch, type Upstream } from "./index.js"

/** The client needs an absolute base URL; the upstream ignores the origin. */
const PLACEHOLDER_BASE = "http://upstream.invalid"

const RUN_PATH = /\/evaluationRuns\/[^/:]+$/

export const createUpstreamClient = (upstream: Upstream, metrics: GatewayMetrics): PromiseClient => {
  const send = upstreamFetch(upstream)
  const counting: typeof globalThis.fetch = (input, init) => {
    const request = input instanceof Request ? input : undefined
    const url = request ? request.url : String(input)
    const method = (init?.method ?? request?.method ?? "GET").toUpperCase()
    if (method === "GET" && RUN_PATH.test(new URL(url).pathname)) metrics.upstreamPolls.inc({ route: "getEvaluationRun" })
    return send(input, init)
  }
  return createFruxonClient({ baseUrl: PLACEHOLDER_BASE, fetch: counting, userAgent: "fruxkit-gateway/0.1" })
}
