/**
 * One log line and one metric sample per request, written after the answer
 * is known (errors included: onError has run by then).
 */
import type { MiddlewareHandler } from "hono"
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

export const accessLog = (options: AccessLogOptions): MiddlewareHandler<GatewayEnv> => {
  const { metrics, logger } = options
  const write = accessLineWriter(logger)
  return function accessLog(c, next) {
    const started = performance.now()
    return afterAnswer(c, next, () => {
      const status = c.res.status
      const state = requestState(c)
      const route = state.routeName ?? "unmatched"
      const method = c.req.method
      metrics.countRequest(route, method, status)
      const level = status >= 500 ? "warn" : "info"
      // Below the logger's level, no line is built at all.
      if (!logger.isLevelEnabled(level)) return
      const line: AccessLine = {
        requestId: state.requestId,
        requestIdGenerated: state.requestIdGenerated,
        method,
        // Path only: query strings may carry anything.
        path: c.req.path,
        route,
        status,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        principal: state.principal?.id
      }
      write(level, line, status >= 500 ? "request failed" : "request")
    })
  }
}
