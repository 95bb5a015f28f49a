/**
 * Group commit for per-sample results. SQLite's driver is synchronous, so
 * each commit's fsync stalls the event loop (and every in-flight agent call
 * with it); samples finishing within a few milliseconds of each other share
 * one transaction instead. One commit per store is in flight at a time:
 * results that finish meanwhile wait and go together in the next, so a slow
 * disk makes batches larger instead of piling up transactions (and, on
 * PostgreSQL, pooled connections the heartbeat needs). A sample's task
 * resolves only after its result is committed, so "judged" still means "on
 * disk" for crash recovery. A result saved with `commitNow` (no other sample
 * is being evaluated, so none would join it: a run's last ones) does not wait
 * for company.
 */
import type { RunSampleRow, RunStore } from "../store/RunStore.js"

interface Pending {
  readonly store: RunStore
  readonly runId: string
  readonly row: RunSampleRow
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
}

/** How long a result waits for company before it is committed. */
const BATCH_WINDOW_MS = 10
const MAX_BATCH = 64

export class SampleResultWriter {
  private pending: Array<Pending> = []
  private timer: NodeJS.Timeout | undefined
  private readonly committing = new Set<RunStore>()
  /** A result waiting was saved with `commitNow`: commit as soon as its store is free. */
  private now = false

  /** `onCommitted(n)`: n results were just committed together (metrics). */
  constructor(private readonly onCommitted: (samples: number) => void = () => {}) {}

  save(store: RunStore, runId: string, row: RunSampleRow, commitNow = false): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ store, runId, row, resolve, reject })
      if (commitNow) this.now = true
      this.schedule()
    })
  }

  /**
   * Nothing more will join the results waiting now (the caller knows no sample is being evaluated): commit
   * them as soon as their store is free instead of at the end of the window.
   */
  commitWaitingNow(): void {
    if (this.pending.length === 0) return
    this.now = true
    this.schedule()
  }

  private schedule(): void {
    if (this.pending.length >= MAX_BATCH || (this.now && this.pending.length > 0)) this.flush()
    else if (this.pending.length > 0) this.timer ??= setTimeout(() => this.flush(), BATCH_WINDOW_MS)
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    const waiting: Array<Pending> = []
    const byStore = new Map<RunStore, Array<Pending>>()
    for (const item of this.pending) {
      if (this.committing.has(item.store)) waiting.push(item)
      else byStore.set(item.store, [...(byStore.get(item.store) ?? []), item])
    }
    this.pending = waiting
    // What waits on its store's commit in flight keeps its urgency for when that commit ends.
    this.now &&= waiting.length > 0
    for (const [store, items] of byStore) {
      this.committing.add(store)
      store
        .saveSampleResults(
          items.map(({ runId, row }) => ({ runId, row })),
          Date.now()
        )
        .then(
          () => {
            this.onCommitted(items.length)
            items.forEach((item) => item.resolve())
          },
          (error) => items.forEach((item) => item.reject(error))
        )
        .finally(() => {
          this.committing.delete(store)
          this.schedule()
        })
    }
  }
}
