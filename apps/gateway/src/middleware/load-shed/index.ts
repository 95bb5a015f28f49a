/**
 * An upstream concurrency cap. Past `max` requests in flight, new ones are
 * refused at once with 503 + Retry-After instead of queueing without bound:
 * a client that retries later costs less than a queue that grows until
 * every request in it times out.
 *
 * Beside the global cap, one per key (`maxPerKey`, by the caller's principal):
 * one API key can hold at most that share of the slots, so a caller that
 * floods the gateway gets 429 for its own excess while everyone else is
 * still admitted. The body has been read before this runs (body-limit sits
 * before it): a slow body never holds a slot.
 */
import type { Context, MiddlewareHandler } from "hono"
import type { GatewayEnv } from "../../env.js"
import type { GatewayMetrics } from "../../metrics.js"
import { GatewayProblem, retryAfterHeader } from "../../problem.js"

export interface LoadShedOptions {
  readonly max: number
  /** Slots one principal may hold (default: all of them). */
  readonly maxPerKey?: number
  readonly retryAfterSeconds?: number
  readonly metrics?: GatewayMetrics
  /** Requests that do not hold an upstream call (shared waits, streams) are not counted. */
  readonly exempt?: (c: Context<GatewayEnv>) => boolean
}

/** The middleware, and how many requests it counts now. */
export type LoadShed = MiddlewareHandler<GatewayEnv> & { readonly inFlight: () => number }

export const loadShed = (options: LoadShedOptions): LoadShed => {
  if (!(options.max >= 1)) throw new Error("loadShed: max must be ≥ 1")
  const maxPerKey = options.maxPerKey ?? options.max
  if (!(maxPerKey >= 1)) throw new Error("loadShed: maxPerKey must be ≥ 1")
  let inFlight = 0
  /** Slots held by each principal now (an entry is dropped at zero: the map holds only active callers). */
  const byKey = new Map<string, number>()
  const retryAfter = retryAfterHeader(options.retryAfterSeconds ?? 1)
  const middleware: MiddlewareHandler<GatewayEnv> = function loadShed(c, next) {
    if (options.exempt?.(c)) return next()
    if (inFlight >= options.max) {
      options.metrics?.shed.inc()
      throw new GatewayProblem(
        503,
        "overloaded",
        "Service overloaded",
        `the gateway is at its upstream concurrency cap (${options.max}); retry shortly`,
        undefined,
        retryAfter
      )
    }
    const key = (c.get("principal") as { id: string } | undefined)?.id ?? ""
    const held = byKey.get(key) ?? 0
    if (held >= maxPerKey) {
      options.metrics?.shed.inc()
      throw new GatewayProblem(
        429,
        "key-concurrency-limited",
        "Too many concurrent requests",
        `this caller already has ${maxPerKey} requests in flight (the per-key cap); retry shortly`,
        undefined,
        retryAfter
      )
    }
    inFlight++
    byKey.set(key, held + 1)
    const leave = () => {
      inFlight--
      const now = byKey.get(key)! - 1
      if (now === 0) byKey.delete(key)
      else byKey.set(key, now)
    }
    return next().then(leave, (error: unknown) => {
      leave()
      throw error
    })
  }
  return Object.assign(middleware, { inFlight: () => inFlight })
}
