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

type StopReason = "cancelled" | "lease-lost" | "closing"

class Stop extends Error {
  constructor(readonly reason: StopReason) {
    super(reason)
  }
}

const MAX_ACTIVE_RUNS = 8

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
      try {
        plan = await resolvePlan(this.ctx, run)
      } catch (error) {
        await finish({ status: "FAILED", errorMessage: error instanceof RunPlanError ? error.message : "the run could not be prepared" })
        return
      }
      const samples = await this.ctx.store.run(SampleRepository.findSamples(run.sampleIds))
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
      while (!signal.aborted && failure === undefined) {
        // Made before the claim: anything that settles meanwhile makes the wait below return at once.
        const nudged = new Promise<void>((resolve) => (nudge = resolve))
        if (!exhausted && evaluating <= this.options.concurrency) {
          const indexes = await store.claimSamples(run.id, this.owner, Date.now(), this.options.leaseMs, batch - evaluating)
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
                if (!signal.aborted) failure ??= error
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
        return
      }
      if (failure !== undefined) {
        console.error(`[fruxkit-local] run ${run.id}:`, failure instanceof Error ? failure.message : failure)
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
        ? await evaluateSample(plan, sample, index, { chatModel: this.ctx.chatModel, judge: this.ctx.judge }, signal)
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
    if (signal.aborted) throw signal.reason
    await this.results.save(store, run.id, row)
  }
}
