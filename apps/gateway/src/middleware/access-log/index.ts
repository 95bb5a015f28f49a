/**
 * One log line and one metric sample per request, written after the answer
 * is known (errors included: onError has run by then).
 */
import type { Context, Next } from "hono"
import type { GatewayEnv } from "../../env.js"
import type { GatewayMetrics } from "../../metrics.js"

export interface AccessLogOptions {
  readonly metrics: GatewayMetrics
}

export const accessLog = (options: AccessLogOptions) => {
  const write = writeAccessLog(options)
  return async function accessLog(c: Context<GatewayEnv>, next: Next) {
    const started = performance.now()
    await next()
    write(c, started)
  }
}

/** The line and the sample for a request that began at `started` (`performance.now()`), once its answer is known. */
export const writeAccessLog = (options: AccessLogOptions) =>
  function writeAccessLog(c: Context<GatewayEnv>, started: number): void {
    const route = c.get("routeName") ?? "unmatched"
    const status = c.res.status
    options.metrics.countRequest(route, c.req.method, status)
    const log = c.get("log")
    const fields = {
      requestId: c.get("requestId"),
      method: c.req.method,
      // Path only: query strings may carry anything.
      path: c.req.path,
      route,
      status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      principal: c.get("principal")?.id
    }
    if (status >= 500) log.warn(fields, "request failed")
    else log.info(fields, "request")
  }
