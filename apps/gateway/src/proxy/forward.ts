/**
 * Forwarding one validated request upstream, retried by core's policy
 * (`RetryPolicy.isRetryable` / `retryDelay`; nothing about retries is
 * decided here). The gateway's calls to the upstream carry no idempotency
 * promise of their own — the Fruxon API does not deduplicate by key — so a
 * creating call is repeated only when the request provably never reached the
 * upstream or the upstream asked for it (429/503 + Retry-After).
 */
import * as Duration from "effect/Duration"
import { FruxonError, RetryPolicy, type Endpoint } from "@fruxkit/core"
import type { Logger } from "pino"
import type { AbortSignalLike } from "../deadline.js"
import type { GatewayMetrics } from "../metrics.js"
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

export type Forwarder = (
  endpoint: Endpoint.Any,
  request: UpstreamRequest,
  context: { readonly log?: (() => Logger) | undefined }
) => Promise<UpstreamResponse>

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
  FruxonError.fromResponse({
    request: { method: request.method, url: request.path.split("?")[0]!, endpoint: endpoint.name },
    status: response.status,
    body: parseBody(response.body),
    retryAfter: FruxonError.parseRetryAfter({ get: (name) => response.headers[name] })
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

  return async function forward(endpoint, request, context) {
    for (let attempt = 1; ; attempt++) {
      const started = performance.now()
      let response: UpstreamResponse | undefined
      let error: FruxonError.FruxonError
      try {
        response = await upstream.send(request)
        metrics.observeUpstream(endpoint.name, response.status, (performance.now() - started) / 1000)
        if (response.status < 500 && response.status !== 429 && response.status !== 408) {
          budget?.refund()
          return response
        }
        error = errorOf(endpoint, request, response)
      } catch (caught) {
        metrics.observeUpstream(endpoint.name, 0, (performance.now() - started) / 1000)
        if (!(caught instanceof FruxonError.TransportError)) throw caught
        error = new FruxonError.TransportError({
          request: { method: request.method, url: request.path.split("?")[0]!, endpoint: endpoint.name },
          reachedServer: caught.reachedServer,
          code: caught.code
        })
      }

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
      metrics.upstreamRetries.inc({ route: endpoint.name, reason: response ? String(response.status) : (error as FruxonError.TransportError).code ?? "transport" })
      context.log?.().info({ route: endpoint.name, attempt, delayMs: Math.round(delay), reason: error._tag }, "retrying upstream call")
      await sleep(delay, request.signal)
    }
  }
}
