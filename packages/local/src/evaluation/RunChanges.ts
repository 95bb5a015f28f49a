/**
 * "A run changed": told after every commit that changes what a GET of the
 * run shows — it started (PENDING → IN_PROGRESS), its progress moved, it
 * ended (COMPLETED, FAILED, CANCELLED). The gateway's shared run pollers
 * listen (createLocalBackend's `onRunChange`), so waiters, `?wait` and event
 * streams learn of a change when it commits instead of at the next poll.
 *
 * The run stores are wrapped (`notifyingRunStore`), so the engine's commit
 * points stay as they are: a change is told once the store call that
 * committed it has resolved, never before (a listener that reads the run
 * then sees the change). A change says which run; a listener reads the run
 * itself to learn what changed.
 *
 * Changes committed by other processes (workers on the same database):
 * - PostgreSQL: each persisted-run change is announced with `pg_notify`
 *   after its commit (`payload`: this process's origin and the run id), and
 *   a process with listeners LISTENs on one extra connection, ignoring its
 *   own announcements (already told in-process).
 * - SQLite: no NOTIFY; a process with listeners looks at the file's
 *   `PRAGMA data_version` every 100 ms (SqliteDatabase.watchCommits: one
 *   cheap read, changed only by other processes' commits) and tells
 *   `evaluationRun: undefined` — "some run may have changed", so a listener
 *   re-reads the runs it follows.
 */
import { randomUUID } from "node:crypto"
import type { RunStore } from "../store/RunStore.js"

export interface RunChange {
  /** The run's id (ids are unique across tenants); `undefined`: any run may have changed. */
  readonly evaluationRun: string | undefined
}

export type RunChangeListener = (change: RunChange) => void

export class RunChanges {
  private readonly listeners = new Set<RunChangeListener>()
  /** Who announces, so a process can skip its own announcements. */
  readonly origin = randomUUID()

  /** What goes over PostgreSQL's NOTIFY for a run this process changed. */
  payload(runId: string): string {
    return `${this.origin} ${runId}`
  }

  /** An announcement received: told unless it is this process's own. */
  received(payload: string): void {
    const space = payload.indexOf(" ")
    if (space < 0 || payload.slice(0, space) === this.origin) return
    this.emit(payload.slice(space + 1))
  }

  /** Listen; returns the function that stops listening. */
  subscribe(listener: RunChangeListener): () => void {
    // A wrapper per call, so the same function subscribed twice is two subscriptions.
    const entry: RunChangeListener = (change) => listener(change)
    this.listeners.add(entry)
    return () => void this.listeners.delete(entry)
  }

  get listening(): boolean {
    return this.listeners.size > 0
  }

  emit(evaluationRun: string | undefined): void {
    for (const listener of [...this.listeners]) {
      // A listener's failure is not the engine's: the commit already happened.
      try {
        listener({ evaluationRun })
      } catch (error) {
        console.error("[fruxkit-local] a run-change listener failed:", error instanceof Error ? error.message : String(error))
      }
    }
  }
}

/**
 * The store, telling `changed(runId)` after each of its calls that committed a visible change. A store whose
 * group commits announce their progress to other processes themselves (`makeSqlRunStore`'s `changeOrigin`),
 * and the completions they lead to, gives `toldByCommit`: what to tell for those (this process's listeners only).
 */
export const notifyingRunStore = (
  store: RunStore,
  changed: (runId: string) => void,
  toldByCommit: (runId: string) => void = changed
): RunStore => ({
  ...store,
  insert: async (run, alongside) => {
    await store.insert(run, alongside)
    changed(run.id)
  },
  claim: async (owner, now, leaseMs, limit) => {
    const runs = await store.claim(owner, now, leaseMs, limit)
    // Only the runs this call started carry its `now` (a run already running keeps its own modifiedAt).
    for (const run of runs) if (run.modifiedAt === now) changed(run.id)
    return runs
  },
  saveSampleResults: async (entries, now) => {
    const completed = await store.saveSampleResults(entries, now)
    for (const runId of new Set(entries.map((entry) => entry.runId))) toldByCommit(runId)
    return completed
  },
  settle: async (runId, now) => {
    const settled = await store.settle(runId, now)
    if (settled) changed(runId)
    return settled
  },
  finish: async (id, owner, outcome, now) => {
    const finished = await store.finish(id, owner, outcome, now)
    if (finished) changed(id)
    return finished
  },
  requestCancel: async (id, now) => {
    const result = await store.requestCancel(id, now)
    if (result === "requested" || result === "cancelled") changed(id)
    return result
  }
})
