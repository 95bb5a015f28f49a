/**
 * `createGateway(config, deps)`: the gateway as one Hono app — every request,
 * `/v1` included, passes through the middleware listed below, in order —
 * plus the handles its owner needs (shutdown, metrics). main.ts serves it
 * (serve.ts); tests call `gateway.app.request(...)` where no socket is needed.
 */
import { allEndpoints, type RetryPolicy } from "@fruxkit/core"
import * as Duration from "effect/Duration"
import { Hono, type Context } from "hono"
import type { Logger } from "pino"
import { configSecrets, type GatewayConfig } from "./config.js"
import type { GatewayEnv } from "./env.js"
import { MemoryIdempotencyStore, type IdempotencyStore } from "./idempotency/store.js"
import { createLogger } from "./logger.js"
import { createMetrics, type GatewayMetrics } from "./metrics.js"
import { accessLog } from "./middleware/access-log/index.js"
import { auth } from "./middleware/auth/index.js"
import { BODY_METHODS, bodyLimit } from "./middleware/body-limit/index.js"
import { dedupe } from "./middleware/dedupe/index.js"
import { forwardUpstream } from "./middleware/forward-upstream/index.js"
import { idempotency } from "./middleware/idempotency/index.js"
import { ADMISSION_DEFAULTS, loadShed } from "./middleware/load-shed/index.js"
import { longRequestCap } from "./middleware/long-request-cap/index.js"
import { rateLimit } from "./middleware/rate-limit/index.js"
import { requestId } from "./middleware/request-id/index.js"
import { routeMatch } from "./middleware/route-match/index.js"
import { runEvents } from "./middleware/run-events/index.js"
import { shutdown, ShutdownState } from "./middleware/shutdown/index.js"
import { timeout } from "./middleware/timeout/index.js"
import { validateRequest } from "./middleware/validate-request/index.js"
import { wait } from "./middleware/wait/index.js"
import { operations } from "./operations.js"
import { createViewer } from "./ui/index.js"
import { notFoundHandler, problemHandler } from "./problem.js"
import { createForwarder } from "./proxy/forward.js"
import { forMethods, onlyWhen, pipeline } from "./pipeline.js"
import { evaluationRunEvents, router } from "./routes.js"
import { createUpstreamClient } from "./upstream/core-client.js"
import type { Upstream } from "./upstream/index.js"
import { EventStreams } from "./waiting/run-events.js"
import { RunWatchers, pollRunsWith, readRunWith } from "./waiting/run-watchers.js"
import { UpstreamRunBodies } from "./waiting/upstream-run-bodies.js"
import { requestState, type RequestKind } from "./request-context.js"

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
  /** Where the web viewer (`/ui`) opens when no tenant is named; main.ts passes the demo tenant for the embedded backend. */
  readonly viewerTenant?: string
  /** Overrides for core's run-polling schedule (tests poll faster). */
  readonly pollOptions?: { readonly initialDelay?: Duration.DurationInput; readonly maxDelay?: Duration.DurationInput }
}

export interface Gateway {
  readonly app: Hono<GatewayEnv>
  readonly metrics: GatewayMetrics
  readonly logger: Logger
  /** Requests being handled now. */
  readonly inFlight: () => number
  /** Upstream pollers running now. */
  readonly activePollers: () => number
  /** Begin shutting down: /readyz answers 503, new API requests are refused, every event stream gets its closing event; resolves when those have ended. */
  readonly beginShutdown: () => Promise<void>
  /** Stop the pollers and release the core client (call after in-flight requests drained). */
  readonly close: () => Promise<void>
}

/** Endpoints whose runs `?wait=` waits on: the table marks them (`run.wait`: a run's GET, and the call that starts one). */
const WAIT_ENDPOINTS = allEndpoints.filter((endpoint) => endpoint.run?.wait === true)
/** Endpoints that take `?dedupe=`: the table marks them (`dedupe`: at most one row per target on request). */
const DEDUPE_ENDPOINTS = allEndpoints.filter((endpoint) => endpoint.dedupe !== undefined)

export const createGateway = (config: GatewayConfig, deps: GatewayDeps): Gateway => {
  const logger = deps.logger ?? createLogger({ level: config.logLevel, secrets: configSecrets(config) })
  const metrics = deps.metrics ?? createMetrics()
  const { upstream } = deps
  // Run bodies as the upstream sent them: re-encoded runs (?wait, event streams) keep the fields core does not know.
  const upstreamBodies = new UpstreamRunBodies()
  const client = createUpstreamClient(upstream, metrics, upstreamBodies)
  const watchers = new RunWatchers({
    awaitRun: pollRunsWith(client, deps.pollOptions),
    // Embedded: the backend says when a run changed, and its poller reads it then (the schedule stays as the fallback).
    ...(upstream.runChanges ? { readRun: readRunWith(client) } : {}),
    upstreamBodies,
    metrics,
    finishedTtlMs: config.finishedRunTtlMs,
    maxFinished: config.maxFinishedRuns,
    maxFinishedBytes: config.maxFinishedRunBytes
  })
  const stopRunChanges = upstream.runChanges?.((evaluationRun) => watchers.changed(evaluationRun))
  const streams = new EventStreams()
  const state = new ShutdownState()

  // Which requests hold no upstream call (a shared poller does the polling: event streams, a run's GET with
  // ?wait=), and which have no deadline (event streams); the kind is decided once per request (requestKind).
  const isEventStream = (c: Context<GatewayEnv>) => requestKind(c) === "stream"
  const isWait = (c: Context<GatewayEnv>) => requestKind(c) === "wait"
  // --upstream-honours-idempotency-keys, else what the upstream says of itself (embedded: it does).
  const upstreamHonoursKeys = config.upstreamHonoursIdempotencyKeys ?? upstream.honoursIdempotencyKeys ?? false

  const app = new Hono<GatewayEnv>()
  const onError = problemHandler(logger)
  app.onError(onError)
  app.notFound(notFoundHandler)

  const admission = loadShed({
    // Unset: the mode's default (embedded: cap 32, queue deadline 250 ms — the backend shares this event loop).
    max: config.maxUpstreamConcurrency ?? ADMISSION_DEFAULTS[upstream.mode].max,
    queueDeadlineMs: config.queueDeadlineMs ?? ADMISSION_DEFAULTS[upstream.mode].queueDeadlineMs,
    maxPerKey: config.maxConcurrencyPerKey,
    metrics,
    exempt: (c) => isEventStream(c) || (isWait(c) && c.req.method === "GET")
  })

  // Every /v1 request, in this order.
  const { rateLimitPerSecond: perSecond, rateLimitBurst: burst } = config
  const api = pipeline([
    routeMatch({ router }),
    auth({ keys: config.apiKeys }),
    ...(perSecond > 0 ? [rateLimit({ perSecond, burst, metrics, shared: deps.sharedRateLimit })] : []),
    // Admission after the body: it is read (under its own timeout) before a shed slot is taken.
    forMethods(BODY_METHODS, bodyLimit({ maxBytes: config.bodyLimitBytes, timeoutMs: config.bodyTimeoutMs })),
    longRequestCap({
      streams: { max: config.maxEventStreams, maxPerKey: config.maxEventStreamsPerKey },
      waits: { max: config.maxWaits, maxPerKey: config.maxWaitsPerKey },
      isStream: isEventStream,
      isWait
    }),
    admission, // load-shed, made above: close() stops its timer
    timeout({ ms: config.requestTimeoutMs, extend: (c) => (isEventStream(c) ? null : isWait(c) ? config.maxWaitMs : 0) }),
    validateRequest({ waitEndpoints: WAIT_ENDPOINTS, dedupeEndpoints: DEDUPE_ENDPOINTS, maxWaitMs: config.maxWaitMs }),
    onlyWhen(isEventStream, runEvents({ watchers, streams, firstSnapshotTimeoutMs: config.requestTimeoutMs, idleTimeoutMs: config.streamIdleTimeoutMs, metrics })),
    forMethods(["GET", "POST"], wait({ watchers, upstreamBodies })),
    forMethods(["POST"], idempotency({
      store: deps.idempotency ?? new MemoryIdempotencyStore({ ttlMs: config.idempotencyTtlMs }),
      metrics,
      upstreamHonoursKeys
    })),
    forMethods(["POST"], dedupe({ client, upstreamHonoursKeys })),
    forwardUpstream({ forward: createForwarder({ upstream, metrics, ...(deps.retry ? { retry: deps.retry } : {}) }) })
  ], onError)

  // Every request: an id, an access line, refusal once shutting down; then a /v1 call goes down the
  // API pipeline, anything else to the routes below. One Hono handler (pipeline.ts says why).
  app.use(pipeline([
    requestId({ logger }),
    accessLog({ metrics, logger }),
    shutdown({ state, refuse: isApiCall }),
    onlyWhen(isApiCall, api)
  ], onError, { runsLater: true }))
  app.route("/", operations({ upstream, metrics, shutdown: state }))
  // The web viewer reads through this same app's /v1 pipeline (auth, limits, upstream), in-process.
  const viewer = createViewer({ api: (request) => app.fetch(request), keysRequired: config.apiKeys.length > 0, defaultTenant: deps.viewerTenant, logger })
  app.route("/ui", viewer.app)

  return {
    app,
    metrics,
    logger,
    inFlight: () => state.inFlight,
    activePollers: () => watchers.activePollers,
    beginShutdown: async () => {
      state.shuttingDown = true
      await streams.closeAll()
    },
    close: async () => {
      stopRunChanges?.()
      watchers.close()
      admission.close()
      await Promise.all([client.close(), viewer.close()])
    }
  }
}

/** A call to the API: what a Hono route `/v1/*` matches (its path as Hono routes it: decoded, dot segments resolved). */
const isApiCall = (c: Context<GatewayEnv>): boolean => {
  const path = c.req.path
  return path.startsWith("/v1/") || path === "/v1"
}

/**
 * A /v1 request's kind (after route-match), decided on first use and kept on
 * the request: the long-request cap, admission, the deadline and the event
 * stream step each ask. An event stream is one whatever its query.
 */
const requestKind = (c: Context<GatewayEnv>): RequestKind => {
  const state = requestState(c)
  if (state.kind === undefined) {
    const match = state.match
    state.kind = match._tag === "Matched" && match.endpoint === evaluationRunEvents ? "stream" : hasQuery(c.req.url, "wait") ? "wait" : "plain"
  }
  return state.kind
}

/** Whether the URL's query has the parameter; a URL without `?` (most requests) is answered without parsing one. */
const hasQuery = (url: string, name: string): boolean => {
  const q = url.indexOf("?")
  return q >= 0 && new URLSearchParams(url.slice(q + 1)).has(name)
}
