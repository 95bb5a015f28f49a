/**
 * An upstream concurrency cap. Past `max` requests in flight, new ones are
 * refused at once with 503 + Retry-After instead of queueing without bound:
 * a client that retries later costs less than a queue that grows until
 * every request in it times out.
 */
import type { Context, Next } from "hono"
import type { ApiContext, GatewayEnv } from "../../env.js"
import type { GatewayMetrics } from "../../metrics.js"
import { GatewayProblem, retryAfterHeader } from "../../problem.js"

export interface LoadShedOptions {
  readonly max: number
  readonly retryAfterSeconds?: number
  readonly metrics?: GatewayMetrics
  /** Requests that do not hold an upstream call (shared waits, streams) are not counted. */
  readonly exempt?: (c: ApiContext) => boolean
}

export interface LoadShed {
  readonly middleware: (c: Context<GatewayEnv>, next: Next) => Promise<void>
  readonly inFlight: () => number
  /**
   * The step itself, for a caller that runs several steps in one middleware:
   * throws the 503 past the cap, else returns whether the request was counted
   * (not exempt) — then `leave()` must be called when it is done.
   */
  readonly enter: (c: ApiContext) => boolean
  readonly leave: () => void
}

export const loadShed = (options: LoadShedOptions): LoadShed => {
  if (!(options.max >= 1)) throw new Error("loadShed: max must be ≥ 1")
  let inFlight = 0
  const retryAfter = retryAfterHeader(options.retryAfterSeconds ?? 1)
  const enter = (c: ApiContext): boolean => {
    if (options.exempt?.(c)) return false
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
    inFlight++
    return true
  }
  const leave = () => {
    inFlight--
  }
  return {
    inFlight: () => inFlight,
    enter,
    leave,
    middleware: async function loadShed(c: Context<GatewayEnv>, next: Next) {
      if (!enter(c)) return next()
      try {
        await next()
      } finally {
        leave()
      }
    }
  }
}
