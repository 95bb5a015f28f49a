/**
 * The operations routes, a Hono app of their own mounted on the gateway's
 * (as the web viewer is under /ui): `/healthz`, `/readyz`, `/metrics`,
 * `/openapi.json`, and `/docs` — the API reference page (Swagger UI, through
 * @hono/swagger-ui) drawn from that same document, its assets served from
 * the installed swagger-ui-dist package: no CDN, nothing fetched from
 * elsewhere. They take no API key: keep them off the public side of your network.
 */
import { swaggerUI } from "@hono/swagger-ui"
import { Hono } from "hono"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import type { GatewayEnv } from "./env.js"
import type { GatewayMetrics } from "./metrics.js"
import { requestIdHeader } from "./middleware/request-id/index.js"
import { ShutdownState } from "./middleware/shutdown/index.js"
import { gatewayOpenApi } from "./openapi.js"
import type { Upstream } from "./upstream/index.js"
import { requestState } from "./request-context.js"

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
    requestState(c).routeName = "healthz"
    return c.json({ status: "ok" }, 200, requestIdHeader(c))
  })

  let readiness: { at: number; ok: boolean; detail: string } | undefined
  app.get("/readyz", async (c) => {
    requestState(c).routeName = "readyz"
    if (shutdown.shuttingDown) return c.json({ status: "shutting down" }, 503, requestIdHeader(c))
    if (readiness === undefined || Date.now() - readiness.at > READINESS_TTL_MS) {
      try {
        // Any HTTP answer proves the upstream reachable; the path need not exist.
        const answer = await upstream.send({
          method: "GET",
          path: "/v1/tenants/readiness-probe/agents",
          headers: { "x-request-id": requestState(c).requestId },
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
    requestState(c).routeName = "metrics"
    // Embedded: the local backend's evaluation queue and workers follow the gateway's own series.
    const own = await metrics.registry.metrics()
    const backend = upstream.metrics ? await upstream.metrics() : ""
    return c.body(own + backend, 200, { "content-type": metrics.registry.contentType, ...requestIdHeader(c) })
  })

  let openapi: string | undefined
  app.get("/openapi.json", (c) => {
    requestState(c).routeName = "openapi"
    openapi ??= JSON.stringify(gatewayOpenApi())
    return c.body(openapi, 200, { "content-type": "application/json", ...requestIdHeader(c) })
  })

  // @hono/swagger-ui links `<baseUrl>/swagger-ui-dist/<file>`: those two files are served here.
  app.get(
    "/docs",
    (c, next) => {
      requestState(c).routeName = "docs"
      return next()
    },
    swaggerUI({ url: "/openapi.json", baseUrl: DOCS_ASSETS, title: "fruxkit gateway API", validatorUrl: "none" })
  )
  app.get(`${DOCS_ASSETS}/swagger-ui-dist/:file`, (c) => {
    requestState(c).routeName = "docs"
    const asset = docsAsset(c.req.param("file"))
    if (asset === undefined) return c.body(null, 404, requestIdHeader(c))
    return c.body(asset.bytes, 200, { "content-type": asset.type, "cache-control": "public, max-age=86400", ...requestIdHeader(c) })
  })

  return app
}

const DOCS_ASSETS = "/docs/assets"

/** The Swagger UI files the page loads (nothing else of the package is served). */
const DOCS_FILES: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8"
}

const loadedAssets = new Map<string, { readonly bytes: Uint8Array<ArrayBuffer>; readonly type: string }>()

/** One of the page's assets, read from swagger-ui-dist once (≈ 1.7 MB in all). */
const docsAsset = (file: string): { readonly bytes: Uint8Array<ArrayBuffer>; readonly type: string } | undefined => {
  const type = DOCS_FILES[file]
  if (type === undefined) return undefined
  let asset = loadedAssets.get(file)
  if (asset === undefined) {
    const dir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"))
    asset = { bytes: new Uint8Array(readFileSync(join(dir, file))), type }
    loadedAssets.set(file, asset)
  }
  return asset
}
