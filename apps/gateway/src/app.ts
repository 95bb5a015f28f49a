/**
 * `createGateway(config, deps)`: the gateway as a Hono app plus the handles
 * its owner needs (shutdown, metrics). main.ts serves it; tests call
 * `gateway.app.request(...)` where no socket is needed.
 */
import * as Duration from "effect/Duration"
import { Hono, type Context } from "hono"
import { HTTPException } from "hono/http-exception"
import type { Logger } from "pino"
import type { GatewayConfig } from "./config.js"
import { Answer, toResponse, type HandlerResult } from "./answer.js"
import type { ApiContext, GatewayEnv } from "./env.js"
import { MemoryIdempotencyStore, type IdempotencyStore } from "./idempotency/store.js"
import type { Deadline } from "./deadline.js"
import { createLogger } from "./logger.js"
import { createMetrics, type GatewayMetrics } from "./metrics.js"
import { writeAccessLog } from "./middleware/access-log/index.js"
import { authenticate } from "./middleware/auth/index.js"
import { readBody } from "./middleware/body-limit/index.js"
import { loadShed } from "./middleware/load-shed/index.js"
import { rateLimit } from "./middleware/rate-limit/index.js"
import { assignRequestId, requestIdHeader } from "./middleware/request-id/index.js"
import { matchRoute } from "./middleware/route-match/index.js"
import { raceDeadline, startTimeout } from "./middleware/timeout/index.js"
import { validate } from "./middleware/validate-request/index.js"
import { gatewayOpenApi } from "./openapi.js"
import { GatewayProblem, toGatewayProblem } from "./problem.js"
import { createForwarder } from "./proxy/forward.js"
import { apiHandler } from "./proxy/handler.js"
import { requestLog } from "./request-context.js"
import { evaluationRunEvents, router } from "./routes.js"
import { createUpstreamClient } from "./upstream/core-client.js"
import type { Upstream } from "./upstream/index.js"
import { EventStreams } from "./waiting/run-events.js"
import { POLLER_DEADLINE, RunWatchers, type AwaitRun } from "./waiting/run-watchers.js"
import type { RetryPolicy } from "@fruxkit/core"

export interface GatewayDeps {
  readonly upstream: Upstream
  /** Default: pino to stdout at `config.logLevel`, redacting the configured secrets. */
  readonly logger?: Logger
  readonly metrics?: GatewayMetrics
  /** Overrides for core's retry policy (tests shorten the delays). */
  readonly retry?: Partial<RetryPolicy.Options>
  /** Default: in this process's memory. main.ts passes the shared one when FRUXKIT_DATABASE_URL is set. */
  readonly idempotency?: IdempotencyStore
  /** Per-key rate-limit buckets shared by every gateway on one database (default: this process's own). */
  readonly sharedRateLimit?: (id: string) => Promise<number>
  /** Overrides for core's run-polling schedule (tests poll faster). */
  readonly pollOptions?: { readonly initialDelay?: Duration.DurationInput; readonly maxDelay?: Duration.DurationInput }
}

export interface Gateway {
  readonly app: Hono<GatewayEnv>
  /**
   * A /v1 call, start to end (the frame and every step), on any request
   * context: what the app's /v1 route runs, and what serve.ts runs straight
   * from Node's request. Never throws: a failure is its problem+json answer.
   */
  readonly handleApiCall: (c: ApiContext) => HandlerResult | Promise<HandlerResult>
  /** Whether a /v1 request is a run's event stream (a streamed answer, served by the Hono app). */
  readonly isEventStream: (method: string, path: string) => boolean
  readonly metrics: GatewayMetrics
  readonly logger: Logger
  /** Requests being handled now (event streams included). */
  readonly inFlight: () => number
  /** Upstream pollers running now. */
  readonly activePollers: () => number
  /**
   * Begin shutting down: /readyz answers 503, new API requests are refused,
   * every event stream gets its closing event; resolves when those have ended.
   */
  readonly beginShutdown: () => Promise<void>
  /** Stop the pollers and release the core client (call after in-flight requests drained). */
  readonly close: () => Promise<void>
}

/** Secrets of this configuration, to be scrubbed from every log line. */
export const configSecrets = (config: GatewayConfig): Array<string> => [
  ...config.apiKeys.map((k) => k.key),
  ...databaseSecrets(config.databaseUrl),
  ...(config.upstream.mode === "remote"
    ? [config.upstream.token, ...(config.upstream.executionKey ? [config.upstream.executionKey] : [])]
    : [])
]

/** The database URL and its password, so neither shows in a log line. */
const databaseSecrets = (url: string | undefined): Array<string> => {
  if (url === undefined) return []
  try {
    const password = decodeURIComponent(new URL(url).password)
    return password ? [url, password] : [url]
  } catch {
    return [url]
  }
}

const WAIT_ENDPOINTS = new Set(["evaluate", "getEvaluationRun"])
const DEDUPE_ENDPOINTS = new Set(["addToDatasets"])

/** Whether the URL's query has the parameter; a URL without `?` (most requests) is answered without parsing one. */
const hasQueryParam = (url: string, name: string): boolean => {
  const q = url.indexOf("?")
  return q >= 0 && new URLSearchParams(url.slice(q + 1)).has(name)
}

export const createGateway = (config: GatewayConfig, deps: GatewayDeps): Gateway => {
  const logger = deps.logger ?? createLogger({ level: config.logLevel, secrets: configSecrets(config) })
  const metrics = deps.metrics ?? createMetrics()
  const { upstream } = deps
  const client = createUpstreamClient(upstream, metrics)

  const awaitRun: AwaitRun = (key, { initial, onProgress, signal }) =>
    client.awaitEvaluationRun(
      key,
      {
        deadline: POLLER_DEADLINE,
        onProgress,
        ...(initial ? { initial } : {}),
        ...(deps.pollOptions?.initialDelay !== undefined ? { initialDelay: deps.pollOptions.initialDelay } : {}),
        ...(deps.pollOptions?.maxDelay !== undefined ? { maxDelay: deps.pollOptions.maxDelay } : {})
      },
      { signal }
    )
  const watchers = new RunWatchers({ awaitRun, metrics, finishedTtlMs: config.finishedRunTtlMs })
  const streams = new EventStreams()
  const idempotency = deps.idempotency ?? new MemoryIdempotencyStore({ ttlMs: config.idempotencyTtlMs })
  const forward = createForwarder({ upstream, metrics, ...(deps.retry ? { retry: deps.retry } : {}) })

  let shuttingDown = false
  let inFlight = 0

  const app = new Hono<GatewayEnv>()

  /** Any error as the client's problem+json answer (logged when it is the gateway's fault). */
  const errorAnswer = (error: Error, c: ApiContext): Answer => {
    const problem =
      error instanceof HTTPException
        ? new GatewayProblem(error.status, "http-error", error.message || "HTTP error")
        : toGatewayProblem(error)
    if (problem.status >= 500) {
      const log = c.get("requestId") ? requestLog(c) : logger
      log.error({ err: { message: error.message, type: error.name, tag: (error as { _tag?: string })._tag } }, "request error")
    }
    return problem.toAnswer(c.req.path, c.get("requestId") ? requestIdHeader(c) : undefined)
  }
  app.onError((error, c) => toResponse(errorAnswer(error, c)))

  // Every handler runs inside the frame: in-flight count, request id, the
  // error → problem mapping, the access line and metric. A wrapper around
  // each route's one handler, not a middleware: with one handler per route
  // Hono skips its middleware composer, which cost CPU on every proxied
  // request (measured; see the README's Benchmarks).
  const assignId = assignRequestId({ logger })
  const logAccess = writeAccessLog({ metrics, logger })
  const finish = (c: ApiContext, started: number, result: HandlerResult): HandlerResult => {
    inFlight--
    logAccess(c, started, result.status)
    if (shuttingDown) {
      if (result instanceof Answer) result.headers["connection"] = "close"
      else result.headers.set("connection", "close")
    }
    return result
  }
  const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)))
  // Promise callbacks rather than an async function: one promise and one
  // suspended frame fewer per request (measured with the /v1 steps below).
  const framed =
    <C extends ApiContext>(handler: (c: C) => HandlerResult | Promise<HandlerResult>) =>
    (c: C): HandlerResult | Promise<HandlerResult> => {
      inFlight++
      const started = performance.now()
      let handling: HandlerResult | Promise<HandlerResult>
      try {
        assignId(c)
        handling = handler(c)
      } catch (error) {
        return finish(c, started, errorAnswer(asError(error), c))
      }
      if (!(handling instanceof Promise)) return finish(c, started, handling)
      return handling.then(
        (result) => finish(c, started, result),
        (error: unknown) => finish(c, started, errorAnswer(asError(error), c))
      )
    }
  /** A Hono route's handler: the handler's answer as a Response. */
  const honoRoute =
    (handle: (c: Context<GatewayEnv>) => HandlerResult | Promise<HandlerResult>) =>
    (c: Context<GatewayEnv>): Response | Promise<Response> => {
      const result = handle(c)
      return result instanceof Promise ? result.then(toResponse) : toResponse(result)
    }
  const route = (handler: (c: Context<GatewayEnv>) => HandlerResult | Promise<HandlerResult>) => honoRoute(framed(handler))

  app.notFound(
    route((c) =>
      new GatewayProblem(404, "not-found", "Not found", `no route ${c.req.method} ${c.req.path}`).toAnswer(c.req.path, requestIdHeader(c))
    )
  )

  // ---- operations ----
  app.get("/healthz", route((c) => {
    c.set("routeName", "healthz")
    return c.json({ status: "ok" }, 200, requestIdHeader(c))
  }))
  let readiness: { at: number; ok: boolean; detail: string } | undefined
  app.get("/readyz", route(async (c) => {
    c.set("routeName", "readyz")
    if (shuttingDown) return c.json({ status: "shutting down" }, 503, requestIdHeader(c))
    if (readiness === undefined || Date.now() - readiness.at > 1000) {
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
  }))
  app.get("/metrics", route(async (c) => {
    c.set("routeName", "metrics")
    return c.body(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType, ...requestIdHeader(c) })
  }))
  let openapi: string | undefined
  app.get("/openapi.json", route((c) => {
    c.set("routeName", "openapi")
    openapi ??= JSON.stringify(gatewayOpenApi())
    return c.body(openapi, 200, { "content-type": "application/json", ...requestIdHeader(c) })
  }))

  // ---- the API ----
  const isWaiting = (c: ApiContext) => {
    const match = c.get("match")
    if (match?._tag !== "Matched") return false
    if (match.endpoint.name === "evaluationRunEvents") return true
    return WAIT_ENDPOINTS.has(match.endpoint.name) && hasQueryParam(c.req.url, "wait")
  }
  const shed = loadShed({
    max: config.maxUpstreamConcurrency,
    metrics,
    // A GET run with ?wait holds no upstream call (the shared poller does); `:evaluate?wait` does for its POST.
    exempt: (c) => {
      const match = c.get("match")
      return match?._tag === "Matched" && (match.endpoint.name === "evaluationRunEvents" || (match.endpoint.name === "getEvaluationRun" && isWaiting(c)))
    }
  })

  // The /v1 steps, in this order: refuse while shutting down, route match,
  // auth, rate limit, load shed, body limit, timeout, validation, then the
  // handler. They are the steps of those middleware modules run inside one
  // route handler rather than as nine Hono layers: each layer, and each
  // promise hop on the way back, costs CPU on every proxied request
  // (measured; see the README's Benchmarks).
  const refuseWhileShuttingDown = () => {
    if (shuttingDown) {
      throw new GatewayProblem(503, "shutting-down", "Shutting down", "the gateway is shutting down; retry on another instance", undefined, {
        "retry-after": "1"
      })
    }
  }
  const matchOf = matchRoute({ router })
  const authenticateOf = authenticate({ keys: config.apiKeys })
  // Off (0): no step at all.
  const takeToken =
    config.rateLimitPerSecond > 0
      ? rateLimit({ perSecond: config.rateLimitPerSecond, burst: config.rateLimitBurst, metrics, shared: deps.sharedRateLimit }).takeToken
      : undefined
  const bodyOf = readBody({ maxBytes: config.bodyLimitBytes })
  const startDeadline = startTimeout({
    ms: config.requestTimeoutMs,
    extend: (c) => {
      const match = c.get("match")
      if (match?._tag === "Matched" && match.endpoint.name === "evaluationRunEvents") return null
      return isWaiting(c) ? config.maxWaitMs : 0
    }
  })
  const validateOf = validate({ waitEndpoints: WAIT_ENDPOINTS, dedupeEndpoints: DEDUPE_ENDPOINTS, maxWaitMs: config.maxWaitMs })
  const { api, plain } = apiHandler({ forward, client, idempotency, watchers, streams, metrics, requestTimeoutMs: config.requestTimeoutMs })
  const settlesOnAbort = upstream.settlesOnAbort === true

  /** The request is done with its load-shed slot (if it took one) and its deadline (if it has one). */
  const release = (counted: boolean, deadline?: Deadline): void => {
    deadline?.done()
    if (counted) shed.leave()
  }

  /** After the rate limit: load shed, body, deadline, validation, the handler. */
  const admitted = (c: ApiContext): Promise<HandlerResult> => {
    const counted = shed.enter(c)
    let reading: Promise<void> | undefined
    try {
      reading = bodyOf(c)
    } catch (error) {
      release(counted)
      throw error
    }
    if (reading === undefined) return handled(c, counted)
    return reading.then(
      () => handled(c, counted),
      (error: unknown) => {
        release(counted)
        throw error
      }
    )
  }
  const handled = (c: ApiContext, counted: boolean): Promise<HandlerResult> => {
    let deadline: Deadline | undefined
    let handling: Promise<HandlerResult>
    try {
      deadline = startDeadline(c)
      validateOf(c)
      const forwarded = plain(c)
      if (deadline === undefined) handling = forwarded ?? api(c)
      // The remote upstream's call gives up when the deadline's signal aborts: no race needed.
      else if (forwarded !== undefined && settlesOnAbort) handling = forwarded
      else handling = raceDeadline(deadline, forwarded ?? api(c))
    } catch (error) {
      release(counted, deadline)
      throw error
    }
    return handling.then(
      (response) => {
        release(counted, deadline)
        return response
      },
      (error: unknown) => {
        release(counted, deadline)
        throw error
      }
    )
  }

  const handleApiCall = framed(function v1(c: ApiContext) {
    refuseWhileShuttingDown()
    matchOf(c)
    authenticateOf(c)
    if (takeToken !== undefined) {
      const taking = takeToken(c)
      if (taking !== undefined) return taking.then(() => admitted(c))
    }
    return admitted(c)
  })
  app.all("/v1/*", honoRoute(handleApiCall))

  const isEventStream = (method: string, path: string): boolean => {
    if (method !== "GET" || !path.includes("/events")) return false
    const match = router.match(method, path)
    return match._tag === "Matched" && match.endpoint.name === evaluationRunEvents.name
  }

  return {
    app,
    handleApiCall,
    isEventStream,
    metrics,
    logger,
    inFlight: () => inFlight,
    activePollers: () => watchers.activePollers,
    beginShutdown: async () => {
      shuttingDown = true
      await streams.closeAll()
    },
    close: async () => {
      watchers.close()
      await client.close()
    }
  }
}
