/**
 * The evaluation workers of one process. Work is leased per sample
 * (`leaseMs`), renewed by a heartbeat while it runs, so several processes on
 * one database split a run's samples; a process that dies stops renewing,
 * and after its leases expire any process (this one after a restart) takes
 * over the samples that have no stored result yet. Samples of all runs share
 * one bound (`concurrency`). Whoever stores a run's last result summarises it.
 */
import { randomUUID } from "node:crypto"
import { setMaxListeners } from "node:events"
import type { LocalContext } from "../LocalContext.js"
import * as SampleRepository from "../store/SampleRepository.js"
import type { StoredSample } from "../store/SampleRepository.js"
import type { RunRecord, RunSampleRow, RunStore } from "../store/RunStore.js"
import { isStoreFailure } from "../store/Store.js"
import { resolvePlan, RunPlanError } from "./run-plan.js"
import { evaluateSample, judgeFailure, type RunPlan } from "./sample-evaluation.js"
import { SampleResultWriter } from "./SampleResultWriter.js"
import { Semaphore } from "./Semaphore.js"

export interface WorkerPoolOptions {
  readonly concurrency: number
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

const MAX_ACTIVE_RUNS = 8

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

export class EvaluationWorkerPool {
  readonly owner = `worker-${randomUUID()}`
  private readonly semaphore: Semaphore
  private readonly results = new SampleResultWriter()
  private readonly active = new Map<string, { controller: AbortController; done: Promise<void> }>()
  private timer: NodeJS.Timeout | undefined
  private ticking = false
  private again = false
  private closed = false

  constructor(
    private readonly ctx: LocalContext,
    private readonly options: WorkerPoolOptions
  ) {
    this.semaphore = new Semaphore(options.concurrency)
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
      .catch((error) => console.error("[fruxkit-local] claiming runs failed:", error instanceof Error ? error.message : error))
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
    this.active.get(runId)?.controller.abort(new Stop("cancelled"))
  }

  isActive(runId: string): boolean {
    return this.active.has(runId)
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    for (const { controller } of this.active.values()) controller.abort(new Stop("closing"))
    await Promise.allSettled([...this.active.values()].map((a) => a.done))
  }

  private async tick(): Promise<void> {
    const stores: Array<RunStore> = [this.ctx.transientRuns]
    if (this.options.claimPersisted) stores.push(this.ctx.persistedRuns)
    for (const store of stores) {
      const room = MAX_ACTIVE_RUNS - this.active.size
      if (room <= 0 || this.closed) return
      const runs = await store.claim(this.owner, Date.now(), this.options.leaseMs, room)
      // A run still active here whose lease lapsed (a stalled heartbeat) was just re-leased to
      // this worker: that is a renewal, not a second copy of the run.
      for (const run of runs) if (!this.active.has(run.id)) this.startRun(store, run)
    }
  }

  private startRun(store: RunStore, run: RunRecord): void {
    const controller = new AbortController()
    // Every waiting sample listens on the run's signal: hundreds of listeners are expected.
    setMaxListeners(0, controller.signal)
    const done = this.process(store, run, controller)
      .catch((error) => console.error(`[fruxkit-local] run ${run.id} stopped:`, error instanceof Error ? error.message : error))
      .finally(() => {
        this.active.delete(run.id)
        if (!this.closed) this.wake()
      })
    this.active.set(run.id, { controller, done })
  }

  private async process(store: RunStore, run: RunRecord, controller: AbortController): Promise<void> {
    const signal = controller.signal
    const finish = (outcome: Parameters<RunStore["finish"]>[2]) => store.finish(run.id, this.owner, outcome, Date.now())
    if (run.cancelRequested) {
      await finish({ status: "CANCELLED" })
      return
    }
    // Renew often enough that a cancel from another process lands within ~2 s.
    const heartbeatMs = Math.max(50, Math.min(500, Math.floor(this.options.leaseMs / 3)))
    const heartbeat = setInterval(() => {
      store
        .renew(run.id, this.owner, Date.now(), this.options.leaseMs)
        .then(({ held, cancelRequested }) => {
          if (!held) controller.abort(new Stop("lease-lost"))
          else if (cancelRequested) controller.abort(new Stop("cancelled"))
        })
        .catch(() => undefined)
    }, heartbeatMs)
    try {
      let plan
      let samples: ReadonlyArray<StoredSample>
      try {
        plan = await resolvePlan(this.ctx, run)
        samples = await this.ctx.store.run(SampleRepository.findSamples(run.sampleIds))
      } catch (error) {
        // The database failing is no verdict on the run: leave it to be claimed again.
        if (isStoreFailure(error)) await this.giveBack(store, run.id)
        else await finish({ status: "FAILED", errorMessage: error instanceof RunPlanError ? error.message : "the run could not be prepared" })
        return
      }
      const byId = new Map(samples.map((s) => [s.id, s]))
      // Samples are leased a few at a time (up to twice the slots, so a slot never waits for a
      // claim), so workers in other processes get the rest of a large run. A sample whose evaluation
      // is done no longer counts against the batch while its result waits for the group commit, so
      // a slow commit does not leave slots idle. The run ends when its last result is committed, by
      // whichever worker stores it (saveSampleResults); this loop stops when nothing is left to lease.
      const batch = this.options.concurrency * 2
      const inFlight = new Set<Promise<void>>()
      let evaluating = 0
      let nudge = () => {}
      let failure: unknown
      let exhausted = false
      let claimFailures = 0
      while (!signal.aborted && failure === undefined) {
        // Made before the claim: anything that settles meanwhile makes the wait below return at once.
        const nudged = new Promise<void>((resolve) => (nudge = resolve))
        if (!exhausted && evaluating <= this.options.concurrency) {
          let indexes: Array<number>
          try {
            indexes = await store.claimSamples(run.id, this.owner, Date.now(), this.options.leaseMs, batch - evaluating)
            claimFailures = 0
          } catch (error) {
            if (!isStoreFailure(error)) throw error
            if (++claimFailures >= STORE_ATTEMPTS) {
              controller.abort(new Stop("store-unavailable"))
              break
            }
            console.error(`[fruxkit-local] run ${run.id}: claiming samples failed (${describeError(error)}); trying again`)
            await sleep(storePause(claimFailures), signal)
            continue
          }
          if (indexes.length === 0) exhausted = true
          for (const index of indexes) {
            const sampleId = run.sampleIds[index]!
            evaluating++
            const evaluated = () => {
              evaluating--
              nudge()
            }
            const task: Promise<void> = this.runSample(store, run, plan, byId.get(sampleId), sampleId, index, signal, evaluated).then(
              () => {
                inFlight.delete(task)
                nudge()
              },
              (error) => {
                inFlight.delete(task)
                if (signal.aborted) {
                  // stopping anyway
                } else if (isStoreFailure(error)) controller.abort(new Stop("store-unavailable"))
                else failure ??= error
                nudge()
              }
            )
            inFlight.add(task)
          }
          if (indexes.length > 0) continue
        }
        if (inFlight.size === 0) break
        await nudged
      }
      await Promise.allSettled(inFlight)
      if (signal.aborted) {
        const reason = signal.reason instanceof Stop ? signal.reason.reason : "closing"
        if (reason === "cancelled") await finish({ status: "CANCELLED" })
        // Closing: hand the unfinished samples over now rather than at lease expiry.
        else if (reason === "closing") await store.release(run.id, this.owner).catch(() => undefined)
        else if (reason === "store-unavailable") await this.giveBack(store, run.id)
        return
      }
      if (failure !== undefined) {
        console.error(`[fruxkit-local] run ${run.id}:`, describeError(failure))
        await finish({ status: "FAILED", errorMessage: "evaluating a sample failed unexpectedly" })
        return
      }
      // Nothing left to lease here. Usually the last save already completed the run (or another
      // worker's will); this covers a last save whose worker died before it could settle.
      await store.settle(run.id, Date.now())
    } finally {
      clearInterval(heartbeat)
    }
  }

  private async runSample(
    store: RunStore,
    run: RunRecord,
    plan: RunPlan,
    sample: StoredSample | undefined,
    sampleId: string,
    index: number,
    signal: AbortSignal,
    evaluated: () => void
  ): Promise<void> {
    try {
      await this.semaphore.acquire(signal)
    } catch (error) {
      evaluated()
      throw error
    }
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
      this.semaphore.release()
      evaluated()
    }
    // The slot is free while the result waits for its group commit; the sample counts as done only after it.
    await this.store(store, run.id, row, signal)
  }

  /** The database kept failing: hand the run's samples back (best effort; else their leases lapse) for a later claim. */
  private async giveBack(store: RunStore, runId: string): Promise<void> {
    console.error(`[fruxkit-local] run ${runId}: the database kept failing; its samples go back to the queue`)
    await store.release(runId, this.owner).catch(() => undefined)
  }

  /**
   * Commits a sample's result, trying again while the database fails: the
   * evaluation is done and must not be repeated (nor judged failed) because
   * a commit could not get the lock. Throws the store's error past
   * STORE_ATTEMPTS, and the run's stop reason once it is stopped.
   */
  private async store(store: RunStore, runId: string, row: RunSampleRow, signal: AbortSignal): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) throw signal.reason
      try {
        await this.results.save(store, runId, row)
        return
      } catch (error) {
        if (!isStoreFailure(error) || attempt >= STORE_ATTEMPTS) throw error
        console.error(`[fruxkit-local] run ${runId}: storing sample ${row.sampleIndex} failed (${describeError(error)}); trying again`)
        await sleep(storePause(attempt), signal)
      }
    }
  }
}
