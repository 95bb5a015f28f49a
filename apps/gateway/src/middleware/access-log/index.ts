/**
 * One log line and one metric sample per request, written after the answer
 * is known (errors included: onError has run by then).
 */
import type { Context, MiddlewareHandler } from "hono"
import type { Logger } from "pino"
import type { GatewayEnv } from "../../env.js"
import { accessLineWriter, type AccessLine } from "../../logger.js"
import { afterAnswer } from "../../pipeline.js"
import type { GatewayMetrics } from "../../metrics.js"
import { requestState } from "../../request-context.js"

export interface AccessLogOptions {
  readonly metrics: GatewayMetrics
  /** The gateway's logger; lines go straight to its destination when it was made by createLogger. */
  readonly logger: Logger
}

type Writable<T> = { -readonly [K in keyof T]: T[K] }

export const accessLog = (options: AccessLogOptions): MiddlewareHandler<GatewayEnv> => {
  const { metrics, logger } = options
  const write = accessLineWriter(logger)
  // One line object, filled for each request and written at once (the writer keeps nothing of it): a
  // request allocates no object for its line.
  const line: Writable<AccessLine> = {
    requestId: "",
    requestIdGenerated: false,
    method: "",
    path: "",
    route: "",
    status: 0,
    durationMs: 0,
    principal: undefined
  }
  const logAnswer = (c: Context<GatewayEnv>): void => {
    const status = c.res.status
    const state = requestState(c)
    const route = state.routeName ?? "unmatched"
    const method = c.req.method
    metrics.countRequest(route, method, status)
    const level = status >= 500 ? "warn" : "info"
    // Below the logger's level, no line is built at all.
    if (!logger.isLevelEnabled(level)) return
    line.requestId = state.requestId
    line.requestIdGenerated = state.requestIdGenerated
    line.method = method
    // Path only: query strings may carry anything.
    line.path = c.req.path
    line.route = route
    line.status = status
    // From the request's arrival (request-id, the step before this one).
    line.durationMs = Math.round((performance.now() - state.arrivedAt) * 100) / 100
    line.principal = state.principal?.id
    write(level, line, status >= 500 ? "request failed" : "request")
  }
  return function accessLog(c, next) {
    return afterAnswer(c, next, logAnswer)
  }
}
