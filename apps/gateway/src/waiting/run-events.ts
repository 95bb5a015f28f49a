/**
 * `GET …/evaluationRuns/{id}/events`: Server-Sent Events for one run, fed by
 * the shared poller. Every status/progress change is an `event: run`; the
 * finished run is an `event: done`, after which the stream ends. Event ids
 * are the run's version, so a client that reconnects with `Last-Event-ID`
 * gets the current state only if it changed since the last event it saw
 * (the latest state, not a replay of every step it missed: state, not a log).
 * On shutdown every stream gets an `event: shutdown` before it closes.
 *
 * A stream is bounded in time without progress (issue 22): one that has had
 * no new run state for `idleTimeoutMs` ends with an `event: idle` (the
 * client reconnects with Last-Event-ID if it still cares), and one whose
 * client stops taking bytes (a write not done within the same bound) has its
 * connection closed. Either way its per-key and global stream slots are free
 * again: without this, a client that stopped reading held them for as long
 * as the run lived.
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
  /** How long a stream may go without new run state, or a write may wait for the client to take it (default 2 min). */
  readonly idleTimeoutMs?: number
  /** Close the client's connection (a stalled stream cannot be ended with a closing event). */
  readonly closeConnection?: () => void
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

/** A stream's default bound without progress. */
export const STREAM_IDLE_TIMEOUT_MS = 120_000

/** A write the client did not take within the idle bound. */
class StreamStalled extends Error {}

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

  const idleTimeoutMs = options.idleTimeoutMs ?? STREAM_IDLE_TIMEOUT_MS
  const heartbeatMs = options.heartbeatMs ?? 15_000

  return streamSSE(c, async (stream) => {
    let clientGone = false
    stream.onAbort(() => {
      clientGone = true
      wake?.()
    })
    // A write resolves once the bytes are taken downstream; one still pending after the bound means the client stopped reading.
    const deliver = async (write: Promise<unknown>): Promise<void> => {
      let timer: ReturnType<typeof setTimeout> | undefined
      const stalled = new Promise<"stalled">((resolve) => (timer = setTimeout(() => resolve("stalled"), idleTimeoutMs)))
      const outcome = await Promise.race([write, stalled])
      clearTimeout(timer)
      if (outcome === "stalled") throw new StreamStalled()
    }
    let lastProgressAt = Date.now()
    try {
      let lastSent = options.lastEventId
      let first = true
      for (;;) {
        while (queue.length > 0 && !clientGone) {
          const snapshot = queue.shift()!
          if (snapshot.version === lastSent) continue
          lastSent = snapshot.version
          await deliver(
            stream.writeSSE({
              event: snapshot.terminal ? "done" : "run",
              id: snapshot.version,
              data: snapshot.json,
              ...(first ? { retry: RETRY_MS } : {})
            })
          )
          first = false
          lastProgressAt = Date.now()
          if (snapshot.terminal) return
        }
        if (clientGone) return
        if (failure !== undefined) {
          const problem = toGatewayProblem(failure).toProblem()
          await deliver(stream.writeSSE({ event: "error", data: JSON.stringify(problem) }))
          return
        }
        if (closeRequested) {
          await deliver(
            stream.writeSSE({
              event: "shutdown",
              data: JSON.stringify({ reason: "the gateway is shutting down; reconnect with Last-Event-ID" }),
              retry: RETRY_MS
            })
          )
          return
        }
        const idleLeft = lastProgressAt + idleTimeoutMs - Date.now()
        if (idleLeft <= 0) {
          await deliver(
            stream.writeSSE({
              event: "idle",
              data: JSON.stringify({ reason: `no change for ${Math.round(idleTimeoutMs / 1000)} s; reconnect with Last-Event-ID to keep watching` }),
              retry: RETRY_MS
            })
          )
          return
        }
        if (lastSent === options.lastEventId && first) {
          // Nothing new since the client's Last-Event-ID: say the stream is live.
          await deliver(stream.write(": up to date\n\n"))
          first = false
        }
        if (queue.length > 0 || closeRequested || clientGone || failure !== undefined) continue
        await nextSignal(Math.min(heartbeatMs, idleLeft))
        if (queue.length === 0 && !closeRequested && !clientGone && failure === undefined && Date.now() < lastProgressAt + idleTimeoutMs) {
          await deliver(stream.write(": heartbeat\n\n"))
        }
      }
    } catch (error) {
      if (error instanceof StreamStalled) {
        // The client stopped reading: no closing event can reach it, so the connection goes (and with it the stream's slots).
        stream.abort()
        options.closeConnection?.()
      } else {
        options.onStreamError?.(error)
      }
    } finally {
      unsubscribe()
      options.metrics?.activeStreams.dec()
      endStream()
    }
  })
}
