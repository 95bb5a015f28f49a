/**
 * The evaluation workers of one process. Work is leased per sample
 * (`leaseMs`), renewed by a heartbeat while it runs, so several processes on
 * one database split a run's samples; a process that dies stops renewing,
 * and after its leases expire any process (this one after a restart) takes
 * over the samples that have no stored result yet. Whoever stores a run's
 * last result summarises it.
 *
 * Claiming is bounded and fair:
 * - A process leases only what it can start now: at most its free slots
 *   (`concurrency` minus the samples it is evaluating). It never holds a
 *   batch it cannot run, so idle workers in other processes get the rest,
 *   and the work splits by how fast each worker actually goes. (A new
 *   run's first samples are leased while its plan and samples are read,
 *   for slots reserved for them, and start as soon as those are.)
 * - Free slots go round robin over the active runs, a fair share per run per
 *   round, so a 10-sample run started behind a 10,000-sample one still gets
 *   its share of slots at once.
 * - `tenantConcurrency` caps the slots one tenant's runs may hold in this
 *   process (default: no cap beyond `concurrency`).
 * A sample holds its slot from its claim until its evaluation is done; the
 * commit of its result happens outside the slot (group commit), and the
 * sample counts as done only once it is committed.
 */
import { randomUUID } from "node:crypto"
import { setMaxListeners } from "node:events"
import type { LocalContext } from "../LocalContext.js"
import * as SampleRepository from "../store/SampleRepository.js"
import type { SampleToEvaluate } from "../store/SampleRepository.js"
import type { RunRecord, RunSampleRow, RunStore } from "../store/RunStore.js"
import { isStoreFailure } from "../store/Store.js"
import { resolvePlan, RunPlanError } from "./run-plan.js"
import { evaluateSample, judgeFailure, type RunPlan } from "./sample-evaluation.js"
import { EvaluationMetrics } from "./EvaluationMetrics.js"
import { SampleResultWriter } from "./SampleResultWriter.js"

export interface WorkerPoolOptions {
  readonly concurrency: number
  /** Slots the runs of one tenant may hold at once in this process (default: `concurrency`). */
  readonly tenantConcurrency?: number | undefined
  readonly leaseMs: number
  /** Claim persisted runs here (`workers: true`); transient runs always run in the process that holds them. */
  readonly claimPersisted: boolean
  /** How often to look for claimable runs when nothing woke the pool. */
  readonly pollMs?: number | undefined
}

/**
 * Why this process stops working on a run. `store-unavailable`: the database
 * kept failing past every retry; the run is not judged for it — its leases
 * are handed back and it is claimed again later, here or elsewhere.
 */
type StopReason = "cancelled" | "lease-lost" | "closing" | "store-unavailable"

class Stop extends Error {
  constructor(readonly reason: StopReason) {
    super(reason)
  }
}

/** Runs one process works on at once (each keeps its plan and samples in memory). */
const MAX_ACTIVE_RUNS = 32

/**
 * A store call that failed (each statement already retried while busy, see
 * SqliteDatabase.ts) is tried again this many times, with a growing pause,
 * before the process gives the run up for now (`store-unavailable`).
 */
const STORE_ATTEMPTS = 5
const storePause = (attempt: number): number => Math.min(2_000, 100 * 2 ** attempt)

const describeError = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error)
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code
  return typeof code === "string" ? `${message} (${code})` : message
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener("abort", done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener("abort", done, { once: true })
  })

/** A run this process works on. */
interface ActiveRun {
  readonly store: RunStore
  readonly record: RunRecord
  readonly controller: AbortController
  readonly heartbeat: NodeJS.Timeout
  /** Set once the plan and samples are loaded; until then the run gets no slots. */
  prepared: { readonly plan: RunPlan; readonly samples: ReadonlyMap<string, SampleToEvaluate> } | undefined
  /** The last claim found nothing (more) to lease; the run ends here once its samples are committed. */
  exhausted: boolean
  /** Samples claimed here and not yet committed (evaluating, or waiting for their group commit). */
  inFlight: number
  claimFailures: number
  /** After a failed claim: no claim before this time. */
  pausedUntil: number
  /** An unexpected (non-store) error of one of its samples: the run ends FAILED. */
  failure: unknown
  concluding: boolean
  readonly left: () => void
}

export class EvaluationWorkerPool {
  readonly owner = `worker-${randomUUID()}`
  readonly metrics = new EvaluationMetrics(this.owner)
  private readonly results = new SampleResultWriter((samples) => this.metrics.committed(samples))
  private readonly runs = new Map<string, ActiveRun & { readonly done: Promise<void> }>()
  /** Round-robin order over `runs`; `cursor` is where the next round starts. */
  private order: Array<string> = []
  private cursor = 0
  /** Samples holding a slot (claimed, evaluation not done), in all and per tenant. */
  private busy = 0
  private readonly busyByTenant = new Map<string, number>()
  private readonly tenantConcurrency: number
  private timer: NodeJS.Timeout | undefined
  private ticking = false
  private again = false
  private filling = false
  private refill = false
  private closed = false

  constructor(
    private readonly ctx: LocalContext,
    private readonly options: WorkerPoolOptions
  ) {
    this.tenantConcurrency = Math.min(options.concurrency, options.tenantConcurrency ?? options.concurrency)
  }

  start(): void {
    const pollMs = this.options.pollMs ?? Math.max(100, Math.min(1_000, Math.floor(this.options.leaseMs / 4)))
    this.timer = setInterval(() => this.wake(), pollMs)
    this.timer.unref()
    this.wake()
  }

  /** Look for work now (after an enqueue). */
  wake(): void {
    if (this.closed) return
    if (this.ticking) {
      this.again = true
      return
    }
    this.ticking = true
    void this.tick()
      .catch((error) => console.error("[fruxkit-local] claiming runs failed:", describeError(error)))
      .finally(() => {
        this.ticking = false
        if (this.again) {
          this.again = false
          this.wake()
        }
      })
  }

  /** A cancel arrived for a run this process holds: stop it now instead of at the next heartbeat. */
  cancelLocal(runId: string): void {
    this.runs.get(runId)?.controller.abort(new Stop("cancelled"))
  }

  isActive(runId: string): boolean {
    return this.runs.has(runId)
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    for (const run of this.runs.values()) run.controller.abort(new Stop("closing"))
    await Promise.allSettled([...this.runs.values()].map((run) => run.done))
  }

  private async tick(): Promise<void> {
    const stores: Array<RunStore> = [this.ctx.transientRuns]
    if (this.options.claimPersisted) stores.push(this.ctx.persistedRuns)
    for (const store of stores) {
      if (this.closed) return
      // Runs already here are offered again when they have claimable samples (a dead worker's
      // leases lapsed, another worker handed its samples back): they are not exhausted any more.
      const runs = await store.claim(this.owner, Date.now(), this.options.leaseMs, MAX_ACTIVE_RUNS)
      for (const record of runs) {
        const active = this.runs.get(record.id)
        if (active) active.exhausted = false
        else if (this.runs.size < MAX_ACTIVE_RUNS) this.startRun(store, record)
      }
    }
    this.fill()
  }

  private startRun(store: RunStore, record: RunRecord): void {
    const controller = new AbortController()
    // Every sample in flight listens on the run's signal: many listeners are expected.
    setMaxListeners(0, controller.signal)
    // Renew often enough that a cancel from another process lands within ~2 s.
    const heartbeatMs = Math.max(50, Math.min(500, Math.floor(this.options.leaseMs / 3)))
    const heartbeat = setInterval(() => {
      store
        .renew(record.id, this.owner, Date.now(), this.options.leaseMs)
        .then(({ held, cancelRequested }) => {
          if (!held) controller.abort(new Stop("lease-lost"))
          else if (cancelRequested) controller.abort(new Stop("cancelled"))
        })
        .catch(() => undefined)
    }, heartbeatMs)
    let left!: () => void
    const done = new Promise<void>((resolve) => (left = resolve))
    const run = {
      store,
      record,
      controller,
      heartbeat,
      prepared: undefined,
      exhausted: false,
      inFlight: 0,
      claimFailures: 0,
      pausedUntil: 0,
      failure: undefined,
      concluding: false,
      left,
      done
    }
    this.runs.set(record.id, run)
    this.order.push(record.id)
    controller.signal.addEventListener("abort", () => this.settleIfIdle(run), { once: true })
    void this.prepare(run)
  }

  private async prepare(run: ActiveRun): Promise<void> {
    const finish = (outcome: Parameters<RunStore["finish"]>[2]) => run.store.finish(run.record.id, this.owner, outcome, Date.now())
    let first: Promise<Array<number>> = Promise.resolve([])
    try {
      if (run.record.cancelRequested) {
        await finish({ status: "CANCELLED" })
        return this.leave(run)
      }
      // Its first samples are leased while the run is prepared: else that claim is one more round trip
      // before its first agent call. As any claim, only what free slots can start now; they start once
      // the plan and samples are read.
      first = this.leaseFirstSamples(run)
      // Independent reads, at once: on PostgreSQL each is a few round trips before the run's first claim.
      const [plan, samples] = await Promise.all([
        resolvePlan(this.ctx, run.record),
        this.ctx.store.run(SampleRepository.findSamplesToEvaluate(run.record.sampleIds))
      ])
      run.prepared = { plan, samples: new Map(samples.map((s) => [s.id, s])) }
      for (const index of await first) this.startSample(run, index)
      // Stopped while it was being prepared: end it now; else it takes part in the next round.
      this.settleIfIdle(run)
      this.fill()
    } catch (error) {
      // The samples leased for it will not start here: their slots are free again (their leases go with
      // the run's, below: handed back, or the run ended).
      this.give(run, (await first).length)
      // The database failing is no verdict on the run: leave it to be claimed again.
      if (isStoreFailure(error)) await this.giveBack(run)
      else {
        await finish({ status: "FAILED", errorMessage: error instanceof RunPlanError ? error.message : "the run could not be prepared" }).catch(
          (e) => console.error(`[fruxkit-local] run ${run.record.id}:`, describeError(e))
        )
      }
      this.leave(run)
    }
  }

  /** A new run's first claim: its share of the free slots, as a round of `fill` would give it once it is prepared. */
  private leaseFirstSamples(run: ActiveRun): Promise<Array<number>> {
    const free = this.options.concurrency - this.busy
    const now = Date.now()
    const others = this.order.filter((id) => id !== run.record.id && this.claimable(this.runs.get(id)!, now)).length
    const want = this.shareOf(run, free, others + 1)
    return want > 0 && !this.closed ? this.lease(run, want) : Promise.resolve([])
  }

  /** The run may take slots: prepared, not stopped, something left to claim, not paused after a failed claim. */
  private claimable(run: ActiveRun, now: number): boolean {
    return (
      run.prepared !== undefined &&
      !run.exhausted &&
      !run.concluding &&
      run.failure === undefined &&
      !run.controller.signal.aborted &&
      run.pausedUntil <= now &&
      this.tenantRoom(run) > 0
    )
  }

  /** A run's share of `free` slots among `runs` runs that may take slots: at least one, within its tenant's room. */
  private shareOf(run: ActiveRun, free: number, runs: number): number {
    return Math.min(free, this.tenantRoom(run), Math.max(1, Math.floor(free / runs)))
  }

  private tenantRoom(run: ActiveRun): number {
    return this.tenantConcurrency - (this.busyByTenant.get(run.record.tenantId) ?? 0)
  }

  /**
   * Gives free slots to runs, round robin: each claimable run in turn leases up to its share
   * (free slots ÷ claimable runs, at least one) and starts those samples at once. One claim at a
   * time per process; whatever frees a slot meanwhile asks for another round.
   */
  private fill(): void {
    if (this.closed) return
    if (this.filling) {
      this.refill = true
      return
    }
    this.filling = true
    void this.fillRounds()
      .catch((error) => console.error("[fruxkit-local] claiming samples failed:", describeError(error)))
      .finally(() => {
        this.filling = false
        if (this.refill) {
          this.refill = false
          this.fill()
        }
      })
  }

  private async fillRounds(): Promise<void> {
    for (;;) {
      this.refill = false
      const free = this.options.concurrency - this.busy
      if (free <= 0 || this.closed) return
      const now = Date.now()
      const claimable = this.order.filter((id) => this.claimable(this.runs.get(id)!, now))
      if (claimable.length === 0) return
      // The next claimable run at or after the cursor.
      let at = 0
      while (at < this.order.length && !claimable.includes(this.order[(this.cursor + at) % this.order.length]!)) at++
      const position = (this.cursor + at) % this.order.length
      this.cursor = position + 1
      const run = this.runs.get(this.order[position]!)!
      const want = this.shareOf(run, free, claimable.length)
      await this.claimInto(run, want)
    }
  }

  private async claimInto(run: ActiveRun, want: number): Promise<void> {
    for (const index of await this.lease(run, want)) this.startSample(run, index)
    this.settleIfIdle(run)
  }

  /**
   * Leases up to `want` of the run's samples for as many free slots, taken before the claim (so a concurrent
   * round cannot hand them out twice); the slots of those it did not get are given back. Never rejects: a
   * failed claim pauses the run's claims, or stops it (STORE_ATTEMPTS), or marks it failed.
   */
  private async lease(run: ActiveRun, want: number): Promise<Array<number>> {
    this.take(run, want)
    let indexes: Array<number> = []
    try {
      const claimed = await run.store.claimSamples(run.record.id, this.owner, Date.now(), this.options.leaseMs, want)
      indexes = claimed.indexes
      this.metrics.claimed(indexes.length, claimed.takenOver)
      run.claimFailures = 0
    } catch (error) {
      if (!isStoreFailure(error)) run.failure ??= error
      else if (++run.claimFailures >= STORE_ATTEMPTS) run.controller.abort(new Stop("store-unavailable"))
      else {
        console.error(`[fruxkit-local] run ${run.record.id}: claiming samples failed (${describeError(error)}); trying again`)
        const pause = storePause(run.claimFailures)
        run.pausedUntil = Date.now() + pause
        setTimeout(() => this.fill(), pause).unref()
      }
    }
    this.give(run, want - indexes.length)
    // A result stored while this claim held the slots did not commit at once (a sample might have joined
    // it); nothing was claimed and none is evaluating, so none will: a run's last results commit now.
    if (this.busy === 0) this.results.commitWaitingNow()
    if (indexes.length < want && run.claimFailures === 0) run.exhausted = true
    return indexes
  }

  private take(run: ActiveRun, slots: number): void {
    this.busy += slots
    this.busyByTenant.set(run.record.tenantId, (this.busyByTenant.get(run.record.tenantId) ?? 0) + slots)
  }

  private give(run: ActiveRun, slots: number): void {
    if (slots === 0) return
    this.busy -= slots
    this.busyByTenant.set(run.record.tenantId, (this.busyByTenant.get(run.record.tenantId) ?? 0) - slots)
  }

  /** A claimed sample: its slot is already taken; it gives it back once evaluated, and leaves the run once committed. */
  private startSample(run: ActiveRun, index: number): void {
    run.inFlight++
    let slotHeld = true
    const freeSlot = () => {
      if (!slotHeld) return
      slotHeld = false
      this.give(run, 1)
      this.fill()
    }
    this.runSample(run, index, freeSlot)
      .catch((error) => {
        const signal = run.controller.signal
        if (signal.aborted) return
        if (isStoreFailure(error)) run.controller.abort(new Stop("store-unavailable"))
        else run.failure ??= error
      })
      .finally(() => {
        freeSlot()
        run.inFlight--
        this.settleIfIdle(run)
      })
  }

  private async runSample(run: ActiveRun, index: number, evaluated: () => void): Promise<void> {
    const signal = run.controller.signal
    const sampleId = run.record.sampleIds[index]!
    const { plan, samples } = run.prepared!
    const sample = samples.get(sampleId)
    let row: RunSampleRow
    try {
      if (signal.aborted) throw signal.reason
      row = sample
        ? await evaluateSample(plan, sample, index, { chatModel: this.ctx.chatModel, judge: this.ctx.judge, outbound: this.ctx.outbound }, signal)
        : {
            sampleIndex: index,
            sampleId,
            failed: true,
            result: {
              sampleId,
              sampleIndex: index,
              parameters: {},
              baseRevisionResult: null,
              candidateRevisionResult: null,
              llmEvaluation: judgeFailure("Sample missing", "the sample was deleted after the run was enqueued"),
              systemEvaluation: null
            }
          }
      if (signal.aborted) throw signal.reason
    } finally {
      evaluated()
    }
    const timing = row.result.systemEvaluation
    if (timing) this.metrics.executed(timing.baseRuntimeMs, timing.candidateRuntimeMs)
    // The slot is free while the result waits for its group commit; the sample counts as done only after it.
    // No slot busy (none evaluating, none being claimed: freeing this one claimed nothing more): no result
    // will join this one soon, so it does not wait for company (a run's last samples).
    await this.storeResult(run.store, run.record.id, row, signal, this.busy === 0)
  }

  /** Ends the run here once nothing of it is in flight and nothing more will be claimed. */
  private settleIfIdle(run: ActiveRun): void {
    if (run.inFlight > 0 || run.concluding || run.prepared === undefined) return
    const stopped = run.controller.signal.aborted || run.failure !== undefined
    if (!stopped && !run.exhausted) return
    run.concluding = true
    void this.conclude(run)
      .catch((error) => console.error(`[fruxkit-local] run ${run.record.id} stopped:`, describeError(error)))
      .finally(() => this.leave(run))
  }

  private async conclude(run: ActiveRun): Promise<void> {
    const { store, record, controller } = run
    const signal = controller.signal
    if (signal.aborted) {
      const reason = signal.reason instanceof Stop ? signal.reason.reason : "closing"
      if (reason === "cancelled") await store.finish(record.id, this.owner, { status: "CANCELLED" }, Date.now())
      // Closing: hand the unfinished samples over now rather than at lease expiry.
      else if (reason === "closing") await store.release(record.id, this.owner).catch(() => undefined)
      else if (reason === "store-unavailable") await this.giveBack(run)
      return
    }
    if (run.failure !== undefined) {
      console.error(`[fruxkit-local] run ${record.id}:`, describeError(run.failure))
      await store.finish(record.id, this.owner, { status: "FAILED", errorMessage: "evaluating a sample failed unexpectedly" }, Date.now())
      return
    }
    // Nothing left to lease here. Usually the last save already completed the run (or another
    // worker's will); this covers a last save whose worker died before it could settle.
    await store.settle(record.id, Date.now())
  }

  private leave(run: ActiveRun): void {
    clearInterval(run.heartbeat)
    if (this.runs.get(run.record.id) === run) {
      this.runs.delete(run.record.id)
      const position = this.order.indexOf(run.record.id)
      this.order.splice(position, 1)
      if (position < this.cursor) this.cursor--
    }
    run.left()
    if (!this.closed) this.wake()
  }

  /** The database kept failing: hand the run's samples back (best effort; else their leases lapse) for a later claim. */
  private async giveBack(run: ActiveRun): Promise<void> {
    console.error(`[fruxkit-local] run ${run.record.id}: the database kept failing; its samples go back to the queue`)
    await run.store.release(run.record.id, this.owner).catch(() => undefined)
  }

  /**
   * Commits a sample's result, trying again while the database fails: the
   * evaluation is done and must not be repeated (nor judged failed) because
   * a commit could not get the lock. Throws the store's error past
   * STORE_ATTEMPTS, and the run's stop reason once it is stopped.
   */
  private async storeResult(store: RunStore, runId: string, row: RunSampleRow, signal: AbortSignal, commitNow: boolean): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) throw signal.reason
      try {
        await this.results.save(store, runId, row, commitNow)
        return
      } catch (error) {
        if (!isStoreFailure(error) || attempt >= STORE_ATTEMPTS) throw error
        console.error(`[fruxkit-local] run ${runId}: storing sample ${row.sampleIndex} failed (${describeError(error)}); trying again`)
        await sleep(storePause(attempt), signal)
      }
    }
  }
}
