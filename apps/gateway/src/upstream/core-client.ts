/**
 * Core's client bound to the gateway's upstream, for the gateway's own
 * calls: the shared run pollers (`awaitEvaluationRun`) and dedupe
 * (`addToDatasets({ dedupe: true })`). Requests go through the same
 * upstream as proxied ones, so the credential injection is the same.
 */
import { createFruxonClient, Endpoints, Route, type PromiseClient } from "@fruxkit/core"
import type { GatewayMetrics } from "../metrics.js"
import { upstreamFetch, type Upstream } from "./index.js"

/** The client needs an absolute base URL; the upstream ignores the origin. */
const PLACEHOLDER_BASE = "http://upstream.invalid"

/** Polls are the run reads: matched by core's router, not by a second copy of the path. */
const router = Route.makeRouter([Endpoints.getEvaluationRun])
const isRunRead = (method: string, pathname: string): boolean => router.match(method, pathname)._tag === "Matched"

export const createUpstreamClient = (upstream: Upstream, metrics: GatewayMetrics): PromiseClient => {
  const send = upstreamFetch(upstream)
  const counting: typeof globalThis.fetch = (input, init) => {
    const request = input instanceof Request ? input : undefined
    const url = request ? request.url : String(input)
    const method = (init?.method ?? request?.method ?? "GET").toUpperCase()
    if (isRunRead(method, new URL(url).pathname)) metrics.upstreamPolls.inc({ route: Endpoints.getEvaluationRun.name })
    return send(input, init)
  }
  return createFruxonClient({ baseUrl: PLACEHOLDER_BASE, fetch: counting, userAgent: "fruxkit-gateway/0.1" })
}
