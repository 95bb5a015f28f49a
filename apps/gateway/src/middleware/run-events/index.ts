/**
 * `GET …/evaluationRuns/{id}/events` (the gateway's own endpoint, routes.ts;
 * a route of its own): the run's Server-Sent Events, fed by the shared
 * poller (waiting/run-events.ts has the stream itself).
 */
import type { Handler } from "hono"
import type { GatewayEnv } from "../../env.js"
import type { GatewayMetrics } from "../../metrics.js"
import { header, requestLog, requestState } from "../../request-context.js"
import { streamRunEvents, type EventStreams } from "../../waiting/run-events.js"
import type { RunWatchers } from "../../waiting/run-watchers.js"

export interface RunEventsOptions {
  readonly watchers: RunWatchers
  readonly streams: EventStreams
  /** How long to wait for the run's first snapshot before answering 504. */
  readonly firstSnapshotTimeoutMs: number
  /** A stream without new run state, or whose client takes no bytes, this long ends (waiting/run-events.ts). */
  readonly idleTimeoutMs?: number
  readonly metrics?: GatewayMetrics
}

export const runEvents = (options: RunEventsOptions): Handler<GatewayEnv> =>
  function runEvents(c) {
    const path = requestState(c).decoded.path
    // streamSSE builds its response through the context, which applies headers set here.
    c.header("x-request-id", requestState(c).requestId)
    return streamRunEvents(c, {
      watchers: options.watchers,
      streams: options.streams,
      key: { tenant: String(path.tenant), agent: String(path.agent), evaluationRun: String(path.evaluationRun) },
      lastEventId: header(c, "last-event-id"),
      firstSnapshotTimeoutMs: options.firstSnapshotTimeoutMs,
      ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
      closeConnection: () => c.env?.outgoing?.destroy(),
      ...(options.metrics ? { metrics: options.metrics } : {}),
      onStreamError: (error) => requestLog(c).error({ err: { message: (error as Error).message } }, "event stream failed")
    })
  }
