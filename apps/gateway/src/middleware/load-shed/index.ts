/**
 * An upstream concurrency cap. Past `max` requests in flight, new ones are
 * refused at once with 503 + Retry-After instead of queueing without bound:
 * a client that retries later costs less than a queue that grows until
 * every request in it times out.
 */
import type { Context, MiddlewareHandler } from "hono"
import type { GatewayEnv } from "../../env.js"
import type { GatewayMetrics } from "../../metrics.js"
import { GatewayProblem, retryAfterHeader } from "../../problem.js"

export interface LoadShedOptions {
  readonly max: number
  readonly retryAfterSeconds?: number
  readonly metrics?: GatewayMetrics
  /** Requests that do not hold an upstream call (shared waits, streams) are not counted. */
  readonly exempt?: (c: Context<GatewayEnv>) => boolean
}

/** The middleware, and how many requests it counts now. */
export type LoadShed = MiddlewareHandler<GatewayEnv> & { readonly inFlight: () => number }

export const loadShed = (options: LoadShedOptions): LoadShed => {
  if (!(options.max >= 1)) throw new Error("loadShed: max must be ≥ 1")
  let inFlight = 0
  const retryAfter = retryAfterHeader(options.retryAfterSeconds ?? 1)
  const leave = () => {
    inFlight--
  }
  const leaveAndThrow = (error: unknown) => {
    inFlight--
    throw error
  }
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
    inFlight++
    return next().then(leave, leaveAndThrow)
  }
  return Object.assign(middleware, { inFlight: () => inFlight })
}
