/**
 * Caps on the requests that hold no upstream call but hold a connection,
 * memory and a subscription for a long time: event streams and `?wait=`
 * requests. Load shedding exempts them (a shared poller does their upstream
 * work), so without these caps one key could open thousands of streams
 * (issue 22, finding 2). Each kind has a global cap and a per-key cap; past
 * either the answer is 429 with Retry-After, and other keys are still
 * admitted up to the global cap.
 *
 * A stream is counted until its response ends (Node's response `close`),
 * not until the handler returns (which is when the stream starts); a wait
 * until its answer is ready.
 */
import type { Context, MiddlewareHandler, Next } from "hono"
import type { GatewayEnv } from "../../env.js"
import { GatewayProblem, retryAfterHeader } from "../../problem.js"
import { callerShareKey } from "../../request-context.js"

export interface CapOptions {
  readonly max: number
  readonly maxPerKey: number
}

export interface LongRequestCapOptions {
  readonly streams: CapOptions
  readonly waits: CapOptions
  readonly isStream: (c: Context<GatewayEnv>) => boolean
  readonly isWait: (c: Context<GatewayEnv>) => boolean
  readonly retryAfterSeconds?: number
}

/** A count in all and per key. */
class Counter {
  total = 0
  private readonly byKey = new Map<string, number>()
  constructor(
    readonly kind: string,
    readonly options: CapOptions
  ) {
    if (!(options.max >= 1) || !(options.maxPerKey >= 1)) throw new Error(`longRequestCap: ${kind} caps must be ≥ 1`)
  }
  /** Why this key may not open another, or undefined (then it is counted). */
  enter(key: string): string | undefined {
    if (this.total >= this.options.max) return `the gateway holds its cap of ${this.options.max} open ${this.kind}`
    const held = this.byKey.get(key) ?? 0
    if (held >= this.options.maxPerKey) return `this caller holds its cap of ${this.options.maxPerKey} open ${this.kind}`
    this.total++
    this.byKey.set(key, held + 1)
    return undefined
  }
  leave(key: string): void {
    this.total--
    const now = (this.byKey.get(key) ?? 1) - 1
    if (now <= 0) this.byKey.delete(key)
    else this.byKey.set(key, now)
  }
}

/** The middleware, and how many of each it counts now. */
export type LongRequestCap = MiddlewareHandler<GatewayEnv> & { readonly open: () => { streams: number; waits: number } }

export const longRequestCap = (options: LongRequestCapOptions): LongRequestCap => {
  const streams = new Counter("event streams", options.streams)
  const waits = new Counter("waiting requests", options.waits)
  const retryAfter = retryAfterHeader(options.retryAfterSeconds ?? 1)
  // Most requests are neither: they go straight on, without an async function's promise.
  const middleware: MiddlewareHandler<GatewayEnv> = function longRequestCap(c, next) {
    const stream = options.isStream(c)
    const counter = stream ? streams : options.isWait(c) ? waits : undefined
    if (counter === undefined) return next()
    return counted(c, next, stream, counter)
  }
  const counted = async (c: Context<GatewayEnv>, next: Next, stream: boolean, counter: Counter): Promise<void> => {
    const key = callerShareKey(c)
    const refused = counter.enter(key)
    if (refused !== undefined) {
      throw new GatewayProblem(429, "too-many-long-requests", "Too many open requests", `${refused}; retry after one ends`, undefined, retryAfter)
    }
    let released = false
    const release = () => {
      if (released) return
      released = true
      counter.leave(key)
    }
    const outgoing = c.env?.outgoing
    try {
      await next()
    } catch (error) {
      release()
      throw error
    }
    // A stream lives on after the handler returns: it is released when its response ends or the client leaves.
    if (stream && outgoing !== undefined && c.res.ok && !outgoing.writableFinished && !outgoing.destroyed) outgoing.once("close", release)
    else release()
  }
  return Object.assign(middleware, { open: () => ({ streams: streams.total, waits: waits.total }) })
}
