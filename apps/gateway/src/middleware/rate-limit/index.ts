/**
 * Per-principal token bucket: `perSecond` tokens a second up to `burst`.
 * An empty bucket answers 429 with the Retry-After that refills one token.
 * With `shared` (FRUXKIT_DATABASE_URL), the bucket lives in the database
 * every gateway shares, so N gateways enforce one limit per key; if that
 * database cannot answer, this process's own bucket decides rather than
 * refusing every request.
 */
import type { MiddlewareHandler } from "hono"
import type { GatewayEnv } from "../../env.js"
import type { GatewayMetrics } from "../../metrics.js"
import { GatewayProblem, retryAfterHeader } from "../../problem.js"
import { requestState } from "../../request-context.js"

export interface RateLimitOptions {
  /** 0 turns the limit off. */
  readonly perSecond: number
  readonly burst: number
  readonly metrics?: GatewayMetrics
  readonly now?: () => number
  /** Take a token from the shared bucket of a principal: 0 when taken, else seconds until one is free. */
  readonly shared?: ((id: string) => Promise<number>) | undefined
}

interface Bucket {
  tokens: number
  updated: number
}

/** Past this many buckets, full ones are dropped (they hold no state worth keeping). */
const MAX_BUCKETS = 10_000

export const rateLimit = (options: RateLimitOptions): MiddlewareHandler<GatewayEnv> => {
  if (options.perSecond < 0 || options.burst < 1) throw new Error("rateLimit: perSecond must be ≥ 0 and burst ≥ 1")
  const now = options.now ?? Date.now
  const buckets = new Map<string, Bucket>()

  const take = (id: string): number => {
    const t = now()
    let bucket = buckets.get(id)
    if (bucket === undefined) {
      if (buckets.size >= MAX_BUCKETS) {
        for (const [key, b] of buckets) {
          if (b.tokens + ((t - b.updated) / 1000) * options.perSecond >= options.burst) buckets.delete(key)
        }
      }
      bucket = { tokens: options.burst, updated: t }
      buckets.set(id, bucket)
    }
    bucket.tokens = Math.min(options.burst, bucket.tokens + ((t - bucket.updated) / 1000) * options.perSecond)
    bucket.updated = t
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return 0
    }
    return (1 - bucket.tokens) / options.perSecond
  }

  /** Let the request through (no wait), or refuse it with the 429 and when to retry. */
  const admit = (waitSeconds: number): void => {
    if (waitSeconds <= 0) return
    options.metrics?.rateLimited.inc()
    throw new GatewayProblem(
      429,
      "rate-limited",
      "Too many requests",
      `rate limit is ${options.perSecond} requests per second (burst ${options.burst})`,
      undefined,
      retryAfterHeader(waitSeconds)
    )
  }

  return function rateLimit(c, next) {
    if (options.perSecond === 0) return next()
    const id = requestState(c).principal?.id ?? "anonymous"
    if (options.shared === undefined) {
      admit(take(id))
      return next()
    }
    // If the shared store is unreachable, this process's own buckets still limit.
    return options.shared(id).then(admit, () => admit(take(id))).then(next)
  }
}
