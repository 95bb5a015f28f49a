/**
 * A per-request deadline. When it passes, the request's signal aborts: the
 * upstream call (and any wait) the handler is in is aborted, and the client
 * gets a 504 problem.
 * Handlers pass `c.var.signal` to everything that can take long. Waiting
 * requests get their wait added to the budget; event streams have none
 * (they end with the run, or at shutdown).
 */
import type { Context, Next } from "hono"
import { DeadlineSweeper } from "../../deadline.js"
import type { GatewayEnv } from "../../env.js"
import { GatewayProblem } from "../../problem.js"

export interface TimeoutOptions {
  readonly ms: number
  /** Extra milliseconds for this request, or `null` for no deadline at all. */
  readonly extend?: (c: Context<GatewayEnv>) => number | null
}

export const timeout = (options: TimeoutOptions) => {
  if (!(options.ms > 0)) throw new Error("timeout: ms must be > 0")
  // Deadlines fire within a tenth of the timeout (10–250 ms) of when they are due.
  const sweeper = new DeadlineSweeper(Math.min(250, Math.max(10, Math.round(options.ms / 10))))
  return async function timeout(c: Context<GatewayEnv>, next: Next) {
    const extra = options.extend ? options.extend(c) : 0
    if (extra === null) {
      c.set("signal", undefined)
      return next()
    }
    const budget = options.ms + extra
    const { deadline, done } = sweeper.start(
      budget,
      () => new GatewayProblem(504, "gateway-timeout", "Gateway timeout", `no answer within ${budget} ms`)
    )
    c.set("signal", deadline)
    try {
      // The client gets its 504 at the deadline even from a handler that ignores the signal.
      await new Promise<void>((resolve, reject) => {
        deadline.addEventListener("abort", () => reject(deadline.reason))
        next().then(resolve, reject)
      })
    } finally {
      done()
    }
  }
}
