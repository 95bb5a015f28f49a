/**
 * The operations routes, a Hono app of their own mounted on the gateway's
 * (as the web viewer is under /ui): `/healthz`, `/readyz`, `/metrics`,
 * `/openapi.json`. They take no API key: keep them off the public side of
 * your network.
 */
import { Hono } from "hono"
import type { GatewayEnv } from "./env.js"
import type { GatewayMetrics } from "./metrics.js"
import { requestIdHeader } from "./middleware/request-id/index.js"
import { ShutdownState } from "./middleware/shutdown/index.js"
import { gatewayOpenApi } from "./openapi.js"
import type { Upstream } from "./upstream/index.js"

export interface OperationsOptions {
  readonly upstream: Upstream
  readonly metrics: GatewayMetrics
  readonly shutdown: ShutdownState
}

/** How long a readiness verdict is reused: a load balancer polling /readyz does not probe the upstream each time. */
const READINESS_TTL_MS = 1000

export const operations = (options: OperationsOptions): Hono<GatewayEnv> => {
  const { upstream, metrics, shutdown } = options
  const app = new Hono<GatewayEnv>()

  app.get("/healthz", (c) => {
    c.set("routeName", "healthz")
    return c.json({ status: "ok" }, 200, requestIdHeader(c))
  })

  let readiness: { at: number; ok: boolean; detail: string } | undefined
  app.get("/readyz", async (c) => {
    c.set("routeName", "readyz")
    if (shutdown.shuttingDown) return c.json({ status: "shutting down" }, 503, requestIdHeader(c))
    if (readiness === undefined || Date.now() - readiness.at > READINESS_TTL_MS) {
      try {
        // Any HTTP answer proves the upstream reachable; the path need not exist.
        const answer = await upstream.send({
          method: "GET",
          path: "/v1/tenants/readiness-probe/agents",
          headers: { "x-request-id": c.get("requestId") },
          signal: AbortSignal.timeout(2000)
        })
        readiness = { at: Date.now(), ok: answer.status < 500, detail: `upstream answered ${answer.status}` }
      } catch (error) {
        readiness = { at: Date.now(), ok: false, detail: `upstream unreachable (${(error as { code?: string }).code ?? "error"})` }
      }
    }
    return c.json(
      { status: readiness.ok ? "ready" : "not ready", upstream: upstream.mode, detail: readiness.detail },
      readiness.ok ? 200 : 503,
      requestIdHeader(c)
    )
  })

  app.get("/metrics", async (c) => {
    c.set("routeName", "metrics")
    return c.body(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType, ...requestIdHeader(c) })
  })

  let openapi: string | undefined
  app.get("/openapi.json", (c) => {
    c.set("routeName", "openapi")
    openapi ??= JSON.stringify(gatewayOpenApi())
    return c.body(openapi, 200, { "content-type": "application/json", ...requestIdHeader(c) })
  })

  return app
}
