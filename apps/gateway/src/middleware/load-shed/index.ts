/**
 * An upstream concurrency cap. Past `max` requests in flight, a new one
 * waits for a slot at most `queueDeadlineMs` (first come, first served), and
 * is refused with 503 + Retry-After when none frees in time — or at once
 * when the queue is full or has no deadline — instead of queueing without
 * bound: a client that retries later costs less than a queue that grows
 * until every request in it times out. The deadline bounds what a served
 * request waits: under any overload, its latency is at most the deadline
 * plus its own time in the upstream.
 *
 * Beside the global cap, one per key (`maxPerKey`, by the caller's principal,
 * counting its waiting requests too): one API key can hold at most that share
 * of the slots, so a caller that floods the gateway gets 429 for its own
 * excess while everyone else is still admitted. The body has been read
 * before this runs (body-limit sits before it): a slow body never holds a slot.
 *
 * With a queue deadline, "arrival" is when the request was ready for the
 * gateway: for a request without a body, when the gateway read it; for one
 * with a body, when the body was complete (the client's slowness is not the
 * gateway's queue) — in both cases moved back to when the event loop fell
 * behind, if it is behind now with a backlog (loop-lateness.ts): a saturated
 * process leaves requests unread in the kernel, and that wait counts too. So
 * a process that cannot keep up refuses, cheaply (a 503 costs a small share
 * of a served request), what it read too late, instead of serving ever older
 * requests: in embedded mode, where the backend shares the event loop, this
 * is what bounds the latency of served requests (bench/overload.ts).
 */
import type { Context, MiddlewareHandler } from "hono"
import type { GatewayEnv } from "../../env.js"
import type { GatewayMetrics } from "../../metrics.js"
import { GatewayProblem, retryAfterHeader } from "../../problem.js"
import { afterAnswer } from "../../pipeline.js"
import { callerShareKey, incomingOf, requestState } from "../../request-context.js"
import { BODY_METHODS } from "../body-limit/index.js"
import { watchLoopLateness, type LoopLateness } from "./loop-lateness.js"

/**
 * The defaults per mode. Embedded: the backend runs on this process's event
 * loop, so a served request's latency is bounded only with a queue deadline
 * (BENCHMARKS.md, 2× the saturating rate: p99 0.5 s and 503s instead of 5 s
 * and none). Remote: the upstream is the slow part and the cap bounds what
 * waits for its connections; `--queue-deadline` bounds it in time too.
 */
export const ADMISSION_DEFAULTS = {
  embedded: { max: 32, queueDeadlineMs: 250 },
  remote: { max: 256, queueDeadlineMs: 0 }
} as const

export interface LoadShedOptions {
  readonly max: number
  /** Slots one principal may hold or wait for (default: all of them). */
  readonly maxPerKey?: number
  readonly retryAfterSeconds?: number
  /** How long a request may wait for a slot at the cap (default 0: refused at once). */
  readonly queueDeadlineMs?: number
  /** Requests that may wait at once (default 4 × max); past it, refused at once. */
  readonly maxQueued?: number
  readonly metrics?: GatewayMetrics
  /** Requests that do not hold an upstream call (shared waits, streams) are not counted. */
  readonly exempt?: (c: Context<GatewayEnv>) => boolean
}

/** The middleware, how many requests it counts now, how many wait for a slot, and `close` (its timers stop; the gateway's close). */
export type LoadShed = MiddlewareHandler<GatewayEnv> & { readonly inFlight: () => number; readonly queued: () => number; readonly close: () => void }

interface Waiter {
  readonly since: number
  readonly admit: () => void
  readonly refuse: () => void
}

/** Requests whose body body-limit read before this middleware: their wait starts when it is complete. */
const hasBody = (method: string) => BODY_METHODS.includes(method)

export const loadShed = (options: LoadShedOptions): LoadShed => {
  if (!(options.max >= 1)) throw new Error("loadShed: max must be ≥ 1")
  const maxPerKey = options.maxPerKey ?? options.max
  if (!(maxPerKey >= 1)) throw new Error("loadShed: maxPerKey must be ≥ 1")
  const deadlineMs = options.queueDeadlineMs ?? 0
  if (!(deadlineMs >= 0)) throw new Error("loadShed: queueDeadlineMs must be ≥ 0")
  const maxQueued = deadlineMs > 0 ? (options.maxQueued ?? options.max * 4) : 0
  let inFlight = 0
  /** Slots held or waited for by each principal now (an entry is dropped at zero: the map holds only active callers). */
  const byKey = new Map<string, number>()
  const retryAfter = retryAfterHeader(options.retryAfterSeconds ?? 1)
  /** Oldest first; `head` is the next to serve (shifting a long array on every release costs more). */
  let queue: Array<Waiter> = []
  let head = 0
  let sweeper: ReturnType<typeof setInterval> | undefined = undefined
  /** Started with the first request (a queue deadline only): how far behind the event loop is. */
  let lateness: LoopLateness | undefined = undefined

  const overloaded = (detail: string) => {
    options.metrics?.shed.inc()
    return new GatewayProblem(503, "overloaded", "Service overloaded", detail, undefined, retryAfter)
  }
  const queueLength = () => queue.length - head
  const compact = () => {
    if (head === queue.length) {
      queue = []
      head = 0
      if (sweeper !== undefined) {
        clearInterval(sweeper)
        sweeper = undefined
      }
    } else if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head)
      head = 0
    }
  }
  /** Refuse every waiter past its deadline (they are in arrival order: stop at the first still in time). */
  const expire = (now: number) => {
    while (head < queue.length && now - queue[head]!.since >= deadlineMs) queue[head++]!.refuse()
    compact()
  }
  /** A slot is free: the oldest waiter still in time takes it. */
  const release = () => {
    inFlight--
    if (queueLength() === 0) return
    expire(performance.now())
    if (head < queue.length) {
      inFlight++
      queue[head++]!.admit()
      compact()
    }
  }
  const leaveKey = (key: string) => {
    const now = byKey.get(key)! - 1
    if (now === 0) byKey.delete(key)
    else byKey.set(key, now)
  }
  /** After an admitted request's answer: its slot and its key's share are free (made once: no closure per request). */
  const answered = (c: Context<GatewayEnv>): void => {
    leaveKey(callerShareKey(c))
    release()
  }

  const middleware: MiddlewareHandler<GatewayEnv> = function loadShed(c, next) {
    if (options.exempt?.(c)) return next()
    // The deadline counts from arrival: a request the busy process took that long to reach here is refused at once
    // (refusing is cheaper than serving, so a saturated process catches up instead of serving ever older requests).
    // Without a queue deadline nothing waits (maxQueued 0): no clock is read.
    let arrivedAt = 0
    if (deadlineMs > 0) {
      const now = performance.now()
      lateness ??= watchLoopLateness()
      const read = hasBody(c.req.method) ? now : requestState(c).arrivedAt
      // Only a request read from a socket can have waited unread; an in-process one (the viewer's calls through
      // `app.fetch`, which never yield to the event loop) is not late because the loop is busy with its caller.
      arrivedAt = incomingOf(c) === undefined ? read : Math.min(read, lateness.behindSince(now))
      if (now - arrivedAt >= deadlineMs) {
        throw overloaded(`the request waited ${Math.round(now - arrivedAt)} ms to be admitted, past the queue deadline (${deadlineMs} ms); retry shortly`)
      }
    }
    const free = inFlight < options.max && queueLength() === 0
    if (!free && queueLength() >= maxQueued) {
      throw overloaded(
        deadlineMs > 0
          ? `the gateway is at its upstream concurrency cap (${options.max}) with ${maxQueued} requests waiting; retry shortly`
          : `the gateway is at its upstream concurrency cap (${options.max}); retry shortly`
      )
    }
    const key = callerShareKey(c)
    const held = byKey.get(key) ?? 0
    if (held >= maxPerKey) {
      options.metrics?.shed.inc()
      throw new GatewayProblem(
        429,
        "key-concurrency-limited",
        "Too many concurrent requests",
        `this caller already has ${maxPerKey} requests in flight (the per-key cap); retry shortly`,
        undefined,
        retryAfter
      )
    }
    byKey.set(key, held + 1)
    if (free) {
      inFlight++
      return afterAnswer(c, next, answered)
    }
    if (sweeper === undefined) {
      sweeper = setInterval(() => expire(performance.now()), Math.max(5, Math.floor(deadlineMs / 4)))
      sweeper.unref?.()
    }
    return new Promise<void>((admit, refuse) => {
      queue.push({
        since: arrivedAt,
        admit: () => admit(),
        refuse: () => {
          leaveKey(key)
          refuse(overloaded(`no upstream slot freed within the queue deadline (${deadlineMs} ms); retry shortly`))
        }
      })
    }).then(() => afterAnswer(c, next, answered))
  }
  /** The lateness watch stops (a request after this starts it again); the queue's sweeper stops on its own once the queue is empty. */
  const close = () => {
    lateness?.stop()
    lateness = undefined
  }
  return Object.assign(middleware, { inFlight: () => inFlight, queued: queueLength, close })
}
