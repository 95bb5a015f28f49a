/**
 * One shared upstream poller per evaluation run, however many clients wait on
 * it (long-polls, `?wait=`, event streams). The polling itself is core's
 * `awaitEvaluationRun` (its schedule: start fast, back off to a cap, honour
 * Retry-After, survive transient errors); this module only fans its
 * snapshots out, stops a poller nobody listens to, and caches finished runs.
 *
 * Push: an upstream that says when a run changed (the embedded backend's
 * `onRunChange`) calls `changed(id)`, and the run's poller reads it at once
 * (`readRun`) instead of at its next scheduled poll. The schedule keeps
 * running underneath as the fallback (a missed or late notice costs at most
 * one poll interval); remote mode has no push and polls only.
 */
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"
import { EvaluationRun, isTerminalRunStatus, type PromiseClient } from "@fruxkit/core"
import type { GatewayMetrics } from "../metrics.js"
import { keepingUnknownFields, type UpstreamRunBodies } from "./upstream-run-bodies.js"

export interface RunKey {
  readonly tenant: string
  readonly agent: string
  readonly evaluationRun: string
}

export interface RunSnapshot {
  readonly run: EvaluationRun
  /** Changes exactly when a watcher would see a change (core's `sameProgress`); the SSE event id and ETag. */
  readonly version: string
  /** The run encoded for the wire. */
  readonly json: string
  readonly terminal: boolean
}

export interface RunListener {
  readonly onSnapshot: (snapshot: RunSnapshot) => void
  readonly onError: (error: unknown) => void
}

/** One read of a run (a GET through the upstream), for a poller woken by a change. */
export type ReadRun = (key: RunKey, signal: AbortSignal) => Promise<EvaluationRun>

/** How a poller reads a run: core's awaitEvaluationRun, bound to the gateway's upstream. */
export type AwaitRun = (
  key: RunKey,
  options: {
    readonly initial: EvaluationRun | undefined
    readonly onProgress: (run: EvaluationRun) => void
    readonly signal: AbortSignal
  }
) => Promise<EvaluationRun>

export interface RunWatchersOptions {
  readonly awaitRun: AwaitRun
  /** Set where the upstream pushes run changes: how a woken poller reads the run. */
  readonly readRun?: ReadRun
  /** The run bodies the upstream client read: their unknown fields are kept in each snapshot's JSON. */
  readonly upstreamBodies?: UpstreamRunBodies
  readonly metrics?: GatewayMetrics
  /** How long a finished run is served from memory. */
  readonly finishedTtlMs: number
  /**
   * …and how many of them, and how many bytes of their JSON, at most: the
   * oldest go first. Without a bound, runs with large summaries (a long
   * endpoint copied into every concern) grew the gateway by gigabytes (issue 22, finding 3).
   */
  readonly maxFinished?: number
  readonly maxFinishedBytes?: number
  /**
   * How long a poller outlives its last listener: a long-polling client
   * reconnects right after each answer, and should find the poller still there.
   */
  readonly lingerMs?: number
  readonly now?: () => number
}

const encodeRun = Schema.encodeSync(EvaluationRun)

export const versionOf = (run: EvaluationRun): string =>
  [run.status, run.progress?.completedSamples ?? -1, run.progress?.failedSamples ?? -1, run.modifiedAt].join(".")

/** `upstream`: the body the run was decoded from, whose fields core does not know are kept. */
export const snapshotOf = (run: EvaluationRun, upstream?: unknown): RunSnapshot => ({
  run,
  version: versionOf(run),
  json: JSON.stringify(upstream === undefined ? encodeRun(run) : keepingUnknownFields(encodeRun(run), upstream)),
  terminal: isTerminalRunStatus(run.status)
})

export const keyString = (key: RunKey) => `${key.tenant}/${key.agent}/${key.evaluationRun}`

interface Poller {
  readonly key: RunKey
  readonly listeners: Set<RunListener>
  readonly abort: AbortController
  latest: RunSnapshot | undefined
  linger: ReturnType<typeof setTimeout> | undefined
  /** A read after a change notice is in flight; `readAgain`: another notice came meanwhile. */
  reading: boolean
  readAgain: boolean
  readonly publish: (run: EvaluationRun) => void
}

/**
 * Whether `run` is older than what the poller already published: a scheduled
 * poll sent before a push-triggered read can answer after it, and must not
 * take the listeners back a step.
 */
const isStale = (run: EvaluationRun, latest: RunSnapshot | undefined): boolean =>
  latest !== undefined &&
  (latest.terminal ||
    run.modifiedAt < latest.run.modifiedAt ||
    (run.progress?.completedSamples ?? -1) < (latest.run.progress?.completedSamples ?? -1))

export class RunWatchers {
  private readonly pollers = new Map<string, Poller>()
  private readonly finished = new Map<string, { readonly snapshot: RunSnapshot; readonly expiresAt: number }>()
  private finishedBytes = 0
  private readonly now: () => number
  private closed = false

  constructor(private readonly options: RunWatchersOptions) {
    this.now = options.now ?? Date.now
  }

  /** Upstream pollers running now. */
  get activePollers(): number {
    return this.pollers.size
  }

  /** The newest snapshot known without asking upstream. */
  latest(key: RunKey): RunSnapshot | undefined {
    const id = keyString(key)
    return this.cachedFinished(id) ?? this.pollers.get(id)?.latest
  }

  /**
   * Listen to a run. The listener gets the newest known snapshot at once (if
   * any), then every change; a finished run is answered from the cache.
   * `initial` seeds a new poller with a snapshot already in hand (`:evaluate`'s answer).
   */
  subscribe(key: RunKey, listener: RunListener, initial?: EvaluationRun): () => void {
    const id = keyString(key)
    const finished = this.cachedFinished(id)
    if (finished !== undefined) {
      queueMicrotask(() => listener.onSnapshot(finished))
      return () => undefined
    }
    if (this.closed) {
      queueMicrotask(() => listener.onError(new Error("the gateway is shutting down")))
      return () => undefined
    }
    let poller = this.pollers.get(id)
    if (poller === undefined) poller = this.start(id, key, initial)
    if (poller.linger !== undefined) {
      clearTimeout(poller.linger)
      poller.linger = undefined
    }
    poller.listeners.add(listener)
    const latest = poller.latest
    if (latest !== undefined) queueMicrotask(() => listener.onSnapshot(latest))

    const active = poller
    return () => {
      if (!active.listeners.delete(listener) || active.listeners.size > 0) return
      if (this.pollers.get(id) !== active) return
      active.linger = setTimeout(() => {
        if (active.listeners.size === 0) this.stop(id, active)
      }, this.options.lingerMs ?? 2_000)
      active.linger.unref?.()
    }
  }

  /**
   * The upstream says a run changed (`undefined`: any run may have): its
   * poller, if there is one, reads it now. Reads are not stacked: a notice
   * during a read asks for one more read after it.
   */
  changed(evaluationRun: string | undefined): void {
    if (this.options.readRun === undefined) return
    for (const [id, poller] of this.pollers) {
      if (evaluationRun === undefined || poller.key.evaluationRun === evaluationRun) this.readNow(id, poller)
    }
  }

  private readNow(id: string, poller: Poller): void {
    const readRun = this.options.readRun
    if (readRun === undefined || poller.abort.signal.aborted) return
    if (poller.reading) {
      poller.readAgain = true
      return
    }
    poller.reading = true
    readRun(poller.key, poller.abort.signal)
      // A failed read is left to the schedule, which reports errors that last.
      .then((run) => poller.publish(run), () => undefined)
      .finally(() => {
        poller.reading = false
        if (!poller.readAgain) return
        poller.readAgain = false
        this.readNow(id, poller)
      })
      .catch(() => undefined)
  }

  /** Stop every poller (shutdown). Listeners are not called. */
  close(): void {
    this.closed = true
    for (const [id, poller] of this.pollers) this.stop(id, poller)
  }

  private cachedFinished(id: string): RunSnapshot | undefined {
    const entry = this.finished.get(id)
    if (entry === undefined) return undefined
    if (entry.expiresAt > this.now()) return entry.snapshot
    this.forget(id)
    return undefined
  }

  private forget(id: string): void {
    const entry = this.finished.get(id)
    if (entry === undefined) return
    this.finished.delete(id)
    this.finishedBytes -= entry.snapshot.json.length
  }

  /** Finished runs cached now, and the bytes of their JSON. */
  get cachedFinishedRuns(): { readonly count: number; readonly bytes: number } {
    return { count: this.finished.size, bytes: this.finishedBytes }
  }

  private remember(id: string, snapshot: RunSnapshot): void {
    const now = this.now()
    // Expired entries are dropped as new ones arrive (insertion order is expiry order).
    for (const [key, entry] of this.finished) {
      if (entry.expiresAt > now) break
      this.forget(key)
    }
    this.forget(id)
    this.finished.set(id, { snapshot, expiresAt: now + this.options.finishedTtlMs })
    this.finishedBytes += snapshot.json.length
    // Past either bound, the oldest go (a run dropped here is read from upstream again if asked for).
    const maxCount = this.options.maxFinished ?? Infinity
    const maxBytes = this.options.maxFinishedBytes ?? Infinity
    for (const key of this.finished.keys()) {
      if (this.finished.size <= maxCount && this.finishedBytes <= maxBytes) break
      this.forget(key)
    }
  }

  private start(id: string, key: RunKey, initial: EvaluationRun | undefined): Poller {
    const publish = (run: EvaluationRun) => {
      if (isStale(run, poller.latest)) return
      const snapshot = snapshotOf(run, this.options.upstreamBodies?.take(id, run))
      if (poller.latest?.version === snapshot.version) return
      poller.latest = snapshot
      if (snapshot.terminal) this.remember(id, snapshot)
      for (const listener of [...poller.listeners]) listener.onSnapshot(snapshot)
      // Ended (seen by a push-triggered read, or the schedule): nothing more to poll for.
      if (snapshot.terminal) this.stop(id, poller)
    }
    const poller: Poller = {
      key,
      listeners: new Set(),
      abort: new AbortController(),
      latest: undefined,
      linger: undefined,
      reading: false,
      readAgain: false,
      publish
    }
    this.pollers.set(id, poller)
    this.options.metrics?.activePollers.inc()
    // A snapshot in hand (`:evaluate`'s answer) may be behind by now, and a change told before this
    // poller existed reached nobody: with push, read once at once instead of at the first scheduled poll.
    if (initial !== undefined) this.readNow(id, poller)
    this.options
      .awaitRun(key, { initial, onProgress: publish, signal: poller.abort.signal })
      .then(
        (run) => publish(run),
        (error) => {
          if (poller.abort.signal.aborted) return
          for (const listener of [...poller.listeners]) listener.onError(error)
        }
      )
      .finally(() => this.stop(id, poller))
      // A listener that throws must not become an unhandled rejection (which ends a Node process).
      .catch(() => undefined)
    return poller
  }

  private stop(id: string, poller: Poller): void {
    if (this.pollers.get(id) !== poller) return
    this.pollers.delete(id)
    if (poller.linger !== undefined) clearTimeout(poller.linger)
    poller.abort.abort()
    this.options.metrics?.activePollers.dec()
  }
}

/** A poller's deadline: it runs while someone listens, so only a long backstop. */
export const POLLER_DEADLINE = Duration.hours(6)

/** A woken poller's one read: a GET of the run on the upstream client, one attempt (the schedule covers a failure). */
export const readRunWith =
  (client: PromiseClient): ReadRun =>
  (key, signal) =>
    client.getEvaluationRun(key, { signal, maxRetries: 0 })

/** How the gateway's pollers read a run: core's `awaitEvaluationRun` on its upstream client (tests poll faster). */
export const pollRunsWith =
  (
    client: PromiseClient,
    schedule?: { readonly initialDelay?: Duration.DurationInput; readonly maxDelay?: Duration.DurationInput }
  ): AwaitRun =>
  (key, { initial, onProgress, signal }) =>
    client.awaitEvaluationRun(
      key,
      {
        deadline: Duration.toMillis(POLLER_DEADLINE),
        // The gateway is what offers push; its upstream (the Fruxon API, the embedded backend) is polled.
        transport: "poll",
        onProgress,
        ...(initial ? { initial } : {}),
        ...(schedule?.initialDelay !== undefined ? { initialDelay: Duration.toMillis(schedule.initialDelay) } : {}),
        ...(schedule?.maxDelay !== undefined ? { maxDelay: Duration.toMillis(schedule.maxDelay) } : {})
      },
      { signal }
    )
