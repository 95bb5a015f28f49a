/**
 * One load generator of bench/overload.ts, in its own process (forked by the
 * bench, talking to it over IPC), so the client's work does not share an
 * event loop with the bench, with the other generators or with the gateway.
 *
 * It keeps its own connection pool and runs what the bench asks, one phase at
 * a time:
 *
 * - `closed`: `concurrency` requests always in flight for `seconds` (what the
 *   gateway serves when it is never idle);
 * - `open`: requests due on a fixed schedule (`rate` a second from `startAt`,
 *   the epoch ms the bench gives every generator) whatever the answers, as
 *   independent clients send them. Latency counts from when each request was
 *   due, so time spent waiting for a connection counts against the gateway;
 *   the dispatch lag (when the generator got to a request minus when it was
 *   due) says whether the generator itself kept its schedule.
 *
 * It answers with every served latency, the counts by status, whether each
 * refusal carried Retry-After, and its dispatch lag.
 */
import { Pool } from "undici"

export type Phase =
  | {
      readonly kind: "closed"
      readonly concurrency: number
      readonly seconds: number
      /** Start the loops over this long (each opens a connection: no burst of connects at once). */
      readonly rampMs?: number
    }
  | { readonly kind: "open"; readonly rate: number; readonly seconds: number; readonly startAt: number }

export interface PhaseResult {
  /** Latency of each 2xx answer, ms (from when it was due in an open phase). */
  readonly served: Array<number>
  /** Latency of each 429/503 answer, ms. */
  readonly refused: Array<number>
  /** Answers by status code. */
  readonly statuses: Record<string, number>
  /** 429 and 503 answers with and without a Retry-After header. */
  readonly refusedWithRetryAfter: number
  readonly refusedWithoutRetryAfter: number
  /** Requests that got no answer (connection errors, the 30 s client timeout). */
  readonly errors: number
  readonly errorSample: string | undefined
  /** Open phase: how late the generator sent each request, ms, sorted. */
  readonly dispatchLag: Array<number>
  /** Requests sent. */
  readonly sent: number
  /** Most requests waiting in this generator's pool for a free connection at once (sampled every 50 ms). */
  readonly maxPending: number
  /** Wall time of the phase, until the last answer, ms. */
  readonly elapsedMs: number
}

const base = process.env.BENCH_TARGET!
const path = process.env.BENCH_PATH!
const connections = Number(process.env.BENCH_CONNECTIONS ?? 256)
const pool = new Pool(base, { connections, headersTimeout: 30_000, bodyTimeout: 30_000 })
const epochNow = () => performance.timeOrigin + performance.now()

const runPhase = async (phase: Phase): Promise<PhaseResult> => {
  const served: Array<number> = []
  const refused: Array<number> = []
  const statuses: Record<string, number> = {}
  const dispatchLag: Array<number> = []
  let refusedWithRetryAfter = 0
  let refusedWithoutRetryAfter = 0
  let errors = 0
  let errorSample: string | undefined = undefined
  let sent = 0
  let maxPending = 0
  const sampler = setInterval(() => {
    maxPending = Math.max(maxPending, pool.stats.pending)
  }, 50)

  const send = async (due: number) => {
    sent++
    try {
      const answer = await pool.request({ method: "GET", path })
      await answer.body.arrayBuffer()
      const ms = epochNow() - due
      statuses[answer.statusCode] = (statuses[answer.statusCode] ?? 0) + 1
      if (answer.statusCode < 300) {
        served.push(ms)
      }
      else if (answer.statusCode === 429 || answer.statusCode === 503) {
        refused.push(ms)
        if (answer.headers["retry-after"] !== undefined) refusedWithRetryAfter++
        else refusedWithoutRetryAfter++
      }
    } catch (error) {
      errors++
      errorSample ??= (error as Error).message
    }
  }

  const began = epochNow()
  if (phase.kind === "closed") {
    const end = began + phase.seconds * 1000
    await Promise.all(
      Array.from({ length: phase.concurrency }, async (_, i) => {
        if (phase.rampMs) await new Promise((resolve) => setTimeout(resolve, (i * phase.rampMs!) / phase.concurrency))
        while (epochNow() < end) await send(epochNow())
      })
    )
  } else {
    const total = Math.round(phase.rate * phase.seconds)
    const interval = 1000 / phase.rate
    const inFlight: Array<Promise<void>> = []
    let next = 0
    while (next < total) {
      const now = epochNow()
      // Every request whose time has come is sent now, stamped with when it was due.
      while (next < total && phase.startAt + next * interval <= now) {
        const due = phase.startAt + next * interval
        dispatchLag.push(now - due)
        inFlight.push(send(due))
        next++
      }
      if (next < total) await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(5, phase.startAt + next * interval - epochNow()))))
    }
    await Promise.all(inFlight)
  }
  clearInterval(sampler)
  return {
    served,
    refused,
    statuses,
    refusedWithRetryAfter,
    refusedWithoutRetryAfter,
    errors,
    errorSample,
    dispatchLag: dispatchLag.sort((a, b) => a - b),
    sent,
    maxPending,
    elapsedMs: epochNow() - began
  }
}

process.on("message", (message: Phase | { readonly kind: "stop" }) => {
  if (message.kind === "stop") {
    void pool.close().finally(() => process.exit(0))
    return
  }
  void runPhase(message).then(
    (result) => process.send!({ kind: "result", result }),
    (error: unknown) => process.send!({ kind: "failed", message: String(error) })
  )
})
process.send!({ kind: "ready" })
