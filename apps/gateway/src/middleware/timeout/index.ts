/**
 * A per-request deadline. When it passes, the request's signal aborts: the
 * upstream call (and any wait) the handler is in is aborted, and the client
 * gets a 504 problem.
 * Handlers pass `requestState(c).signal` to everything that can take long. Waiting
 * requests get their wait added to the budget; event streams have none
 * (they end with the run, or at shutdown).
 */
import type { Context, MiddlewareHandler } from "hono"
import { DeadlineSweeper } from "../../deadline.js"
import type { GatewayEnv } from "../../env.js"
import { afterAnswer } from "../../pipeline.js"
import { GatewayProblem } from "../../problem.js"
import { requestState } from "../../request-context.js"

export interface TimeoutOptions {
  readonly ms: number
  /** Extra milliseconds for this request, or `null` for no deadline at all. */
  readonly extend?: (c: Context<GatewayEnv>) => number | null
}

/** After the answer: the sweeper forgets the request's deadline (made once: no closure per request). */
const forgetDeadline = (c: Context<GatewayEnv>): void => requestState(c).signal?.done()

export const timeout = (options: TimeoutOptions): MiddlewareHandler<GatewayEnv> => {
  if (!(options.ms > 0)) throw new Error("timeout: ms must be > 0")
  // Deadlines fire within a tenth of the timeout (10–250 ms) of when they are due.
  const sweeper = new DeadlineSweeper(
    Math.min(250, Math.max(10, Math.round(options.ms / 10))),
    (budget) => new GatewayProblem(504, "gateway-timeout", "Gateway timeout", `no answer within ${budget} ms`)
  )
  return function timeout(c, next) {
    const extra = options.extend ? options.extend(c) : 0
    // No deadline: signal stays unset (undefined).
    if (extra === null) return next()
    const deadline = sweeper.start(options.ms + extra)
    requestState(c).signal = deadline
    // The rest of the request, rejected with the deadline's reason (the 504 problem) if the deadline
    // passes first: the client gets its 504 at the deadline even from a handler that ignores the signal.
    // The sweeper forgets the deadline once the request is answered.
    return deadline.race(afterAnswer(c, next, forgetDeadline))
  }
}
