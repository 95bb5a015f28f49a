/**
 * One log line and one metric sample per request, written after the answer
 * is known (errors included: onError has run by then).
 */
import type { Context, Next } from "hono"
import type { ApiContext, GatewayEnv } from "../../env.js"
import type { Logger } from "pino"
import { accessLineWriter, type AccessLine } from "../../logger.js"
import type { GatewayMetrics } from "../../metrics.js"

export interface AccessLogOptions {
  readonly metrics: GatewayMetrics
  /** The gateway's logger; lines go straight to its destination when it was made by createLogger. */
  readonly logger: Logger
}

export const accessLog = (options: AccessLogOptions) => {
  const write = writeAccessLog(options)
  return async function accessLog(c: Context<GatewayEnv>, next: Next) {
    const started = performance.now()
    await next()
    write(c, started, c.res.status)
  }
}

/** The line and the sample for a request that began at `started` (`performance.now()`), once its answer (`status`) is known. */
export const writeAccessLog = (options: AccessLogOptions) => {
  const write = accessLineWriter(options.logger)
  return function writeAccessLog(c: ApiContext, started: number, status: number): void {
    const route = c.get("routeName") ?? "unmatched"
    const method = c.req.method
    options.metrics.countRequest(route, method, status)
    const level = status >= 500 ? "warn" : "info"
    // Below the logger's level, no line is built at all.
    if (!options.logger.isLevelEnabled(level)) return
    const line: AccessLine = {
      requestId: c.get("requestId"),
      method,
      // Path only: query strings may carry anything.
      path: c.req.path,
      route,
      status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      principal: c.get("principal")?.id
    }
    write(level, line, status >= 500 ? "request failed" : "request")
  }
}
