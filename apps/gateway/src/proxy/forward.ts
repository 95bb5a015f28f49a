/**
 * Forwarding one validated request upstream, retried by core's policy
 * (`RetryPolicy.isRetryable` / `retryDelay`; nothing about retries is
 * decided here). The gateway's calls to the upstream carry no idempotency
 * promise of their own — the Fruxon API does not deduplicate by key — so a
 * creating call is repeated only when the request provably never reached the
 * upstream or the upstream asked for it (429/503 + Retry-After).
 */
import * as Duration from "effect/Duration"
import { ErrorProblem, FruxonError, RetryPolicy, type Endpoint } from "@fruxkit/core"
import type { Logger } from "pino"
import type { AbortSignalLike } from "../deadline.js"
import { retryReasonLabel, type GatewayMetrics } from "../metrics.js"
import type { Upstream, UpstreamRequest, UpstreamResponse } from "../upstream/index.js"

export interface ForwarderOptions {
  readonly upstream: Upstream
  readonly metrics: GatewayMetrics
  readonly retry?: Partial<RetryPolicy.Options>
  /**
   * A retry the upstream asks to delay longer than this is not waited out
   * here: the answer (with its Retry-After) goes to the client, who can wait
   * without holding a gateway request open. Default 5 s.
   */
  readonly maxRetryWaitMs?: number
}

/**
 * Forward `request`, and hand the answer kept (after any retries) to
 * `answered`: the caller's work on it runs in the same promise reaction as
 * the answer's arrival, not one more. `log`: the request's logger, for a retry's line.
 */
export type Forwarder = <T>(
  endpoint: Endpoint.Any,
  request: UpstreamRequest,
  log: (() => Logger) | undefined,
  answered: (response: UpstreamResponse) => T
) => Promise<Awaited<T>>

const textDecoder = new TextDecoder()

const parseBody = (body: Uint8Array): unknown => {
  if (body.byteLength === 0) return undefined
  const text = textDecoder.decode(body)
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** The upstream's answer as core's typed error, so the retry policy can judge it. */
export const errorOf = (endpoint: Endpoint.Any, request: UpstreamRequest, response: UpstreamResponse): FruxonError.FruxonError =>
  ErrorProblem.fromResponse({
    request: { method: request.method, url: request.path.split("?")[0]!, endpoint: endpoint.name },
    status: response.status,
    body: parseBody(response.body),
    retryAfter: FruxonError.parseRetryAfter({ get: (name) => response.headers[name] }),
    documented: endpoint.errors
  })

const sleep = (ms: number, signal: AbortSignalLike | undefined) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    signal?.addEventListener("abort", onAbort, { once: true })
  })

export const createForwarder = (options: ForwarderOptions): Forwarder => {
  const policy = RetryPolicy.make(options.retry)
  // One budget for the whole gateway: during an upstream outage, retries cannot multiply the load.
  const budget = RetryPolicy.makeBudget(policy)
  const { upstream, metrics } = options
  const maxRetryWaitMs = options.maxRetryWaitMs ?? 5_000

  /** The upstream's answer, or undefined when it is one to retry (5xx, 429, 408). */
  const settled = (endpoint: Endpoint.Any, started: number, response: UpstreamResponse): UpstreamResponse | undefined => {
    metrics.observeUpstream(endpoint.name, response.status, (performance.now() - started) / 1000)
    if (response.status < 500 && response.status !== 429 && response.status !== 408) {
      budget?.refund()
      return response
    }
    return undefined
  }

  /** A failed send as core's transport error (anything else is not the upstream's, and is thrown on). */
  const transportError = (endpoint: Endpoint.Any, request: UpstreamRequest, started: number, caught: unknown): FruxonError.TransportError => {
    metrics.observeUpstream(endpoint.name, 0, (performance.now() - started) / 1000)
    if (!(caught instanceof FruxonError.TransportError)) throw caught
    return new FruxonError.TransportError({
      request: { method: request.method, url: request.path.split("?")[0]!, endpoint: endpoint.name },
      reachedServer: caught.reachedServer,
      code: caught.code
    })
  }

  /** After attempt `attempt` failed: retry while the policy allows, else the last answer (or error). */
  const retrying = async (
    endpoint: Endpoint.Any,
    request: UpstreamRequest,
    log: (() => Logger) | undefined,
    failedAttempt: number,
    failedResponse: UpstreamResponse | undefined,
    failedError: FruxonError.FruxonError
  ): Promise<UpstreamResponse> => {
    let response = failedResponse
    let error = failedError
    for (let attempt = failedAttempt; ; attempt++) {
      const retryable =
        attempt < policy.maxAttempts &&
        !request.signal?.aborted &&
        RetryPolicy.isRetryable(endpoint, error, { idempotencyKey: false }) &&
        (budget?.tryAcquire() ?? true)
      if (!retryable) {
        if (response !== undefined) return response
        throw error
      }
      const delay = Duration.toMillis(RetryPolicy.retryDelay(attempt, error, policy))
      if (delay > maxRetryWaitMs) {
        if (response !== undefined) return response
        throw error
      }
      metrics.upstreamRetries.inc({ route: endpoint.name, reason: response ? String(response.status) : retryReasonLabel((error as FruxonError.TransportError).code ?? "transport") })
      log?.().info({ route: endpoint.name, attempt, delayMs: Math.round(delay), reason: error._tag }, "retrying upstream call")
      await sleep(delay, request.signal)
      const started = performance.now()
      try {
        const answer = await upstream.send(request)
        const ok = settled(endpoint, started, answer)
        if (ok !== undefined) return ok
        response = answer
        error = errorOf(endpoint, request, answer)
      } catch (caught) {
        response = undefined
        error = transportError(endpoint, request, started, caught)
      }
    }
  }

  // The first attempt as promise callbacks, not an async function: most
  // calls succeed at once, and this is on every proxied request.
  return function forward<T>(
    endpoint: Endpoint.Any,
    request: UpstreamRequest,
    log: (() => Logger) | undefined,
    answered: (response: UpstreamResponse) => T
  ): Promise<Awaited<T>> {
    const started = performance.now()
    return upstream.send(request).then(
      (answer) => {
        const ok = settled(endpoint, started, answer)
        return ok !== undefined ? answered(ok) : retrying(endpoint, request, log, 1, answer, errorOf(endpoint, request, answer)).then(answered)
      },
      (caught: unknown) => retrying(endpoint, request, log, 1, undefined, transportError(endpoint, request, started, caught)).then(answered)
    ) as Promise<Awaited<T>>
  }
}
