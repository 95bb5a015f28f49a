/**
 * The evaluation queue's hot statements — a claim per freed slot, a group commit per few judged samples, a
 * heartbeat per run — run on the database driver itself (PgQueue.ts, SqliteQueue.ts), not through an Effect
 * fiber and @effect/sql's statement compiler: for a one-row claim those cost the worker several times what
 * the driver does (PostgreSQL: ≈ 340 of ≈ 380 µs of the worker's CPU per claim; SQLite: ≈ 200 of ≈ 250 µs).
 * Each statement's text is fixed (prepared once per connection, planned once), and its values are bound as
 * they are. Everything else in the store stays on `SqlClient`; both engines' layers provide this service
 * beside it, over the same connections.
 *
 * Failures are `SqlError`s, as from `SqlClient`, so callers tell a database failure (retried, never a
 * verdict) from anything else the same way (Store.isStoreFailure).
 */
import * as Context from "effect/Context"
import type { ClaimedSamples, RunSampleRow } from "./RunStore.js"

/** A run's progress after a group commit stored some of its results. */
export interface RunProgress {
  readonly id: string
  readonly completedSamples: number
  readonly totalSamples: number
  /** The sample indexes whose results this commit stored (not those stored already: a replayed sample). */
  readonly storedIndexes: ReadonlyArray<number>
  /** This commit also completed the run, with the `RunCompletion` given for it. */
  readonly completed: boolean
}

/**
 * A run a group commit may complete in its own transaction, with a summary the caller made from every result
 * of the run: those it stored before (StoredSummaries) and those of this commit. The commit completes the run
 * only when that is exactly what the run holds once it has stored them: the run is active, it held exactly
 * `storedBefore` results before the commit (so all of them were the caller's), the commit stored every one of
 * its results for the run (none was a replay) and the run's count reaches its total. Otherwise the progress
 * moves as usual and completing the run is left to the caller, as without it.
 */
export interface RunCompletion {
  readonly runId: string
  readonly storedBefore: number
  readonly score: number | null
  readonly deploymentRecommendation: string | null
  readonly summaryJson: string
}

/** A result to store, with its JSON text (made once by the caller, which also reads it: EvaluationRunRepository). */
export interface ResultToStore {
  readonly runId: string
  readonly row: RunSampleRow
  readonly resultJson: string
}

export interface QueueStatements {
  /**
   * Leases up to `limit` of the run's samples that have no result and no live lease (RunStore.claimSamples),
   * without waiting for a disk flush: a claim lost in a crash is a lease that lapsed at once.
   */
  readonly claimSamples: (runId: string, owner: string, now: number, leaseMs: number, limit: number) => Promise<ClaimedSamples>
  /**
   * The heartbeat: extends `owner`'s leases on the run's samples still without a result (without a flush, as
   * a claim), and reads whether the run is still active (`held`, as RunStore.renew says it) and whether a
   * cancel was asked for.
   */
  readonly renew: (
    runId: string,
    owner: string,
    now: number,
    leaseMs: number
  ) => Promise<{ readonly held: boolean; readonly cancelRequested: boolean }>
  /**
   * A group commit's storing part, durably, in one transaction: the results of runs still active (a sample
   * stored already stores nothing), their samples marked done, each run's progress moved by what this call
   * stored, and the runs of `completions` completed where RunCompletion says. Resolves with the progress of
   * every active run it touched (completing the others is the caller's).
   * `announce`: PostgreSQL tells `pg_notify(channel, origin + " " + run id)` for each of them at commit.
   */
  readonly storeResults: (
    entries: ReadonlyArray<ResultToStore>,
    now: number,
    announce?: { readonly channel: string; readonly origin: string } | undefined,
    completions?: ReadonlyArray<RunCompletion>
  ) => Promise<ReadonlyArray<RunProgress>>
}

export class QueueDriver extends Context.Tag("@fruxkit/local/store/QueueDriver")<QueueDriver, QueueStatements>() {}
