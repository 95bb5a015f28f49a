/**
 * A per-request deadline. When it passes, the upstream call is aborted
 * (handlers pass `c.var.signal` down) and the client gets 504 problem+json.
 * Waiting requests get their wait added to the budget; event streams have
 * none (they end when the run does, or at shutdown).
 */
import type { Context, Next } from "hono"
import type { GatewayEnv } from "../../env.js"
import { GatewayProblem } from "../../problem.js"

export interface TimeoutOptions {
  readonly ms: number
  /** Extra milliseconds for this request, or `null` for no deadline at all. */
  readonly extend?: (c: Context<GatewayEnv>) => number | null
}

export const timeout = (options: TimeoutOptions) => {
  if (!(options.ms > 0)) throw new Error("timeout: ms must be > 0")
  return async function timeout(c: Context<GatewayEnv>, next: Next) {
    const extra = options.extend ? options.extend(c) : 0
    if (extra === null) {
      c.set("signal", undefined)
      return next()
    }
    const budget = options.ms + extra
    const controller = new AbortController()
    c.set("signal", controller.signal)
    let timer: ReturnType<typeof setTimeout> | undefined
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const problem = new GatewayProblem(
          504,
          "gateway-timeout",
          "Gateway timeout",
          `no answer within ${budget} ms`
        )
        controller.abort(problem)
        reject(problem)
      }, budget)
    })
    try {
      await Promise.race([next(), expired])
    } finally {
      clearTimeout(timer)
    }
  }
}
