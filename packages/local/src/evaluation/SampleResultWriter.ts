/**
 * Group commit for per-sample results. SQLite's driver is synchronous, so
 * each commit's fsync stalls the event loop (and every in-flight agent call
 * with it); samples finishing within a few milliseconds of each other share
 * one transaction instead. A sample's task resolves only after its result
 * is committed, so "judged" still means "on disk" for crash recovery.
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

  save(store: RunStore, runId: string, row: RunSampleRow): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ store, runId, row, resolve, reject })
      if (this.pending.length >= MAX_BATCH) this.flush()
      else this.timer ??= setTimeout(() => this.flush(), BATCH_WINDOW_MS)
    })
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    const batch = this.pending
    this.pending = []
    const byStore = new Map<RunStore, Array<Pending>>()
    for (const item of batch) byStore.set(item.store, [...(byStore.get(item.store) ?? []), item])
    for (const [store, items] of byStore) {
      store
        .saveSampleResults(
          items.map(({ runId, row }) => ({ runId, row })),
          Date.now()
        )
        .then(
          () => items.forEach((item) => item.resolve()),
          (error) => items.forEach((item) => item.reject(error))
        )
    }
  }
}
