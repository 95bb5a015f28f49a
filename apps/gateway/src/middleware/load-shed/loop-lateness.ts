/**
 * How long this process's event loop has been behind: the one signal of the
 * time a request spent in the kernel before the gateway read it.
 *
 * Node reads a socket only when its event loop gets to it, and the gateway
 * handles a request start to end in the callback that read it (in embedded
 * mode the backend too: measured, no turn of the loop in between). While the
 * process is saturated, requests wait unread in socket buffers: no in-flight
 * count sees them, and a clock started when the gateway reads a request
 * starts too late — bench/overload.ts measured p99 of 5–17 s at 2× the
 * saturating rate with nothing refused. A timer that should fire every
 * `tickMs` and has not says so: the requests read since it was due have
 * waited at least that long.
 *
 * Falling behind is not yet a backlog (a GC pause, a slow module load): the
 * first `minBacklog` requests read while the loop is behind count from when
 * they were read; it is behind until a tick runs on time again.
 */
export interface LoopLateness {
  /** When the loop fell behind (as `performance.now()`), or `now` when it is on time or has no backlog yet. */
  readonly behindSince: (now: number) => number
  readonly stop: () => void
}

/** Watches running now in this process (started and not stopped): what a test of `stop` reads. */
let running = 0
export const runningLatenessWatches = (): number => running

export const watchLoopLateness = (options: { readonly tickMs?: number; readonly minBacklog?: number } = {}): LoopLateness => {
  const tickMs = options.tickMs ?? 10
  const minBacklog = options.minBacklog ?? 8
  let lastTick = performance.now()
  /**
   * When the last tick was due, if it ran late: the loop was held (a long
   * turn, a stop, the process not scheduled) and what it reads in the turn
   * that follows arrived meanwhile. Timers run before sockets are read, so
   * without this a stall would look on time to the requests read after it.
   */
  let lateSince: number | undefined = undefined
  /** Requests read since the loop fell behind, until a tick is on time again (one stretch however many turns it lasts). */
  let readWhileBehind: number | undefined = undefined
  const timer = setInterval(() => {
    const now = performance.now()
    lateSince = now - lastTick > 2 * tickMs ? lastTick + tickMs : undefined
    if (lateSince === undefined) readWhileBehind = undefined
    lastTick = now
  }, tickMs)
  timer.unref?.()
  running++
  let stopped = false
  return {
    behindSince: (now) => {
      const due = lastTick + tickMs
      const since = lateSince ?? (now > due ? due : now)
      if (since === now) return now
      readWhileBehind = (readWhileBehind ?? 0) + 1
      return readWhileBehind > minBacklog ? since : now
    },
    stop: () => {
      if (stopped) return
      stopped = true
      running--
      clearInterval(timer)
    }
  }
}
