/**
 * `GET …/evaluationRuns/{id}/events`: Server-Sent Events for one run, fed by
 * the shared poller. Every status/progress change is an `event: run`; the
 * finished run is an `event: done`, after which the stream ends. Event ids
 * are the run's version, so a client that reconnects with `Last-Event-ID`
 * gets the current state only if it changed since the last event it saw
 * (the latest state, not a replay of every step it missed: state, not a log).
 * On shutdown every stream gets an `event: shutdown` before it closes.
 */
import type { Context } from "hono"
import { streamSSE } from "hono/streaming"
import type { GatewayMetrics } from "../metrics.js"
import { GatewayProblem, toGatewayProblem } from "../problem.js"
import type { RunKey, RunSnapshot, RunWatchers } from "./run-watchers.js"

interface OpenStream {
  readonly requestClose: () => void
  readonly ended: Promise<void>
}

/** Every open event stream, so shutdown can end them with a closing event. */
export class EventStreams {
  private readonly streams = new Set<OpenStream>()
  private closing = false

  get open(): number {
    return this.streams.size
  }

  get isClosing(): boolean {
    return this.closing
  }

  add(stream: OpenStream): void {
    this.streams.add(stream)
    void stream.ended.finally(() => this.streams.delete(stream))
  }

  /** Ask every stream to send its closing event and end; resolves when they have. */
  async closeAll(): Promise<void> {
    this.closing = true
    const open = [...this.streams]
    for (const stream of open) stream.requestClose()
    await Promise.all(open.map((s) => s.ended))
  }
}

export interface RunEventsOptions {
  readonly watchers: RunWatchers
  readonly streams: EventStreams
  readonly key: RunKey
  readonly lastEventId: string | undefined
  /** How long to wait for the run's first snapshot before answering 504. */
  readonly firstSnapshotTimeoutMs: number
  /** A comment line this often keeps idle connections (and proxies) from timing out. */
  readonly heartbeatMs?: number
  readonly metrics?: GatewayMetrics
  /**
   * A failure inside an open stream. It ends the stream (the client
   * reconnects with Last-Event-ID) instead of escaping: Hono runs the stream
   * callback unawaited, so a throw there would be an unhandled rejection.
   */
  readonly onStreamError?: (error: unknown) => void
}

/** Client reconnect delay suggested in the stream (ms). */
const RETRY_MS = 1000

export const streamRunEvents = async (c: Context, options: RunEventsOptions): Promise<Response> => {
  if (options.streams.isClosing) {
    throw new GatewayProblem(503, "shutting-down", "Shutting down", "the gateway is shutting down", undefined, {
      "retry-after": "1"
    })
  }
  const queue: Array<RunSnapshot> = []
  let failure: unknown = undefined
  let wake: (() => void) | undefined
  const unsubscribe = options.watchers.subscribe(options.key, {
    onSnapshot: (snapshot) => {
      queue.push(snapshot)
      wake?.()
    },
    onError: (error) => {
      failure = error ?? new Error("run poll failed")
      wake?.()
    }
  })
  const nextSignal = (timeoutMs: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs)
      wake = () => {
        clearTimeout(timer)
        wake = undefined
        resolve()
      }
    })

  // Answer errors (unknown run, upstream down) as a normal problem response, before the stream starts.
  if (queue.length === 0 && failure === undefined) await nextSignal(options.firstSnapshotTimeoutMs)
  if (queue.length === 0) {
    unsubscribe()
    if (failure !== undefined) throw failure
    throw new GatewayProblem(504, "gateway-timeout", "Gateway timeout", "the run could not be read in time")
  }

  let closeRequested = false
  let endStream!: () => void
  const ended = new Promise<void>((resolve) => (endStream = resolve))
  const entry: OpenStream = {
    requestClose: () => {
      closeRequested = true
      wake?.()
    },
    ended
  }
  options.streams.add(entry)
  options.metrics?.activeStreams.inc()

  return streamSSE(c, async (stream) => {
    let clientGone = false
    stream.onAbort(() => {
      clientGone = true
      wake?.()
    })
    try {
      let lastSent = options.lastEventId
      let first = true
      for (;;) {
        while (queue.length > 0 && !clientGone) {
          const snapshot = queue.shift()!
          if (snapshot.version === lastSent) continue
          lastSent = snapshot.version
          await stream.writeSSE({
            event: snapshot.terminal ? "done" : "run",
            id: snapshot.version,
            data: snapshot.json,
            ...(first ? { retry: RETRY_MS } : {})
          })
          first = false
          if (snapshot.terminal) return
        }
        if (clientGone) return
        if (failure !== undefined) {
          const problem = toGatewayProblem(failure).toProblem()
          await stream.writeSSE({ event: "error", data: JSON.stringify(problem) })
          return
        }
        if (closeRequested) {
          await stream.writeSSE({
            event: "shutdown",
            data: JSON.stringify({ reason: "the gateway is shutting down; reconnect with Last-Event-ID" }),
            retry: RETRY_MS
          })
          return
        }
        if (lastSent === options.lastEventId && first) {
          // Nothing new since the client's Last-Event-ID: say the stream is live.
          await stream.write(": up to date\n\n")
          first = false
        }
        if (queue.length > 0 || closeRequested || clientGone || failure !== undefined) continue
        await nextSignal(options.heartbeatMs ?? 15_000)
        if (queue.length === 0 && !closeRequested && !clientGone && failure === undefined) {
          await stream.write(": heartbeat\n\n")
        }
      }
    } catch (error) {
      options.onStreamError?.(error)
    } finally {
      unsubscribe()
      options.metrics?.activeStreams.dec()
      endStream()
    }
  })
}
