/**
 * Graceful shutdown as a request sees it: every request is counted while in
 * flight; once shutdown began, API requests are refused with 503 +
 * Retry-After (another instance can take them) and every answer asks the
 * client to close its connection, so keep-alive connections drain.
 */
import type { Context, MiddlewareHandler } from "hono"
import type { GatewayEnv } from "../../env.js"
import { afterAnswer } from "../../pipeline.js"
import { GatewayProblem } from "../../problem.js"

export class ShutdownState {
  shuttingDown = false
  /** Requests being handled now (event streams included until their answer starts). */
  inFlight = 0
}

export interface ShutdownOptions {
  readonly state: ShutdownState
  /** Which requests are refused once shutdown began (the operations routes keep answering: /readyz says 503). */
  readonly refuse: (c: Context<GatewayEnv>) => boolean
}

export const shutdown = (options: ShutdownOptions): MiddlewareHandler<GatewayEnv> => {
  const { state } = options
  const answered = (c: Context<GatewayEnv>): void => {
    state.inFlight--
    if (state.shuttingDown) c.res.headers.set("connection", "close")
  }
  return function shutdown(c, next) {
    if (state.shuttingDown && options.refuse(c)) {
      throw new GatewayProblem(503, "shutting-down", "Shutting down", "the gateway is shutting down; retry on another instance", undefined, {
        "retry-after": "1"
      })
    }
    state.inFlight++
    return afterAnswer(c, next, answered)
  }
}
