/**
 * The evaluation queue's hot statements on SQLite (QueueDriver.ts), on the process's connection directly
 * (SqliteConnection.ts): each operation runs synchronously under the connection's lock, its statements
 * prepared once. One writer at a time on the file, so an operation's `BEGIN IMMEDIATE … COMMIT` is atomic
 * against every other process without row locks.
 *
 * Claims and heartbeats commit with `synchronous = NORMAL` (set for them only, back to FULL after): such a
 * commit is in the WAL, so it survives the process being killed; only an OS crash or power loss can undo
 * it, which for a claim or a heartbeat is a lease that lapses sooner. Results commit with FULL: a sample
 * counts as judged once its result is on disk. (SQLite refuses to change the setting inside a transaction,
 * hence the pragmas outside it.)
 */
import { LEASE_DONE } from "./migrations.js"
import type { QueueStatements, RunProgress } from "./QueueDriver.js"
import { isActiveStatus } from "./RunStore.js"
import type { SqliteConnection } from "./SqliteConnection.js"

/**
 * Samples nobody holds (never leased or handed back: expiry 0; or lapsed), in the claim index's order
 * (evaluation_sample_leases_by_expiry). The guard on stored results is for rows stored before the DONE mark
 * existed; it is only probed for the few rows the claim picks.
 */
const PICK = `SELECT l.sample_index, l.lease_owner FROM evaluation_sample_leases l
  WHERE l.run_id = ? AND l.lease_expires_at < ?
    AND NOT EXISTS (SELECT 1 FROM evaluation_run_samples s WHERE s.run_id = l.run_id AND s.sample_index = l.sample_index)
  ORDER BY l.lease_expires_at, l.sample_index LIMIT ?`
const LEASE = "UPDATE evaluation_sample_leases SET lease_owner = ?, lease_expires_at = ? WHERE run_id = ? AND sample_index = ?"
/** Only samples still without a result: a heartbeat's cost stays with what is in flight. */
const RENEW = `UPDATE evaluation_sample_leases SET lease_expires_at = ?
  WHERE run_id = ? AND lease_owner = ? AND lease_expires_at < ${LEASE_DONE}`
const RUN_STATE = "SELECT status, cancel_requested FROM evaluation_runs WHERE id = ?"
const STORE = `INSERT INTO evaluation_run_samples (run_id, sample_index, sample_id, failed, result) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (run_id, sample_index) DO NOTHING`
const MARK_DONE = `UPDATE evaluation_sample_leases SET lease_expires_at = ${LEASE_DONE} WHERE run_id = ? AND sample_index = ?`
const PROGRESS = `UPDATE evaluation_runs SET completed_samples = completed_samples + ?, failed_samples = failed_samples + ?, modified_at = ?
  WHERE id = ? RETURNING completed_samples, total_samples`
/** A run this commit completes (RunCompletion), in its transaction. */
const COMPLETE = `UPDATE evaluation_runs SET status = 'COMPLETED', score = ?, deployment_recommendation = ?, summary = ?,
  completed_at = ?, modified_at = ?, lease_owner = NULL, lease_expires_at = 0 WHERE id = ?`

/** `work` in one transaction (the write lock taken up front); rolled back when it throws. */
const transaction = <A>(connection: SqliteConnection, work: () => A): A => {
  connection.prepare("BEGIN IMMEDIATE").run()
  try {
    const result = work()
    connection.prepare("COMMIT").run()
    return result
  } catch (error) {
    if (connection.db.inTransaction) connection.prepare("ROLLBACK").run()
    throw error
  }
}

/** `work` committing without waiting for the disk (see above). */
const withoutFlush = <A>(connection: SqliteConnection, work: () => A): A => {
  connection.prepare("PRAGMA synchronous = NORMAL").run()
  try {
    return work()
  } finally {
    connection.prepare("PRAGMA synchronous = FULL").run()
  }
}

export const makeSqliteQueue = (connection: SqliteConnection): QueueStatements => ({
  claimSamples: (runId, owner, now, leaseMs, limit) =>
    connection.use((c) =>
      withoutFlush(c, () =>
        transaction(c, () => {
          const picked = c.prepare(PICK).all(runId, now, limit) as Array<{ sample_index: number; lease_owner: string | null }>
          const lease = c.prepare(LEASE)
          for (const row of picked) lease.run(owner, now + leaseMs, runId, row.sample_index)
          // A released lease (clean shutdown) has no owner; a claimable one with an owner lapsed.
          return {
            indexes: picked.map((row) => Number(row.sample_index)).sort((a, b) => a - b),
            takenOver: picked.filter((row) => row.lease_owner !== null).length
          }
        })
      )
    ),

  renew: (runId, owner, now, leaseMs) =>
    connection.use((c) =>
      withoutFlush(c, () => {
        c.prepare(RENEW).run(now + leaseMs, runId, owner)
        const run = c.prepare(RUN_STATE).get(runId) as { status: string; cancel_requested: number } | undefined
        return { held: run !== undefined && isActiveStatus(run.status), cancelRequested: Number(run?.cancel_requested ?? 0) === 1 }
      })
    ),

  storeResults: (entries, now, _announce, completions = []) =>
    connection.use((c) =>
      transaction(c, () => {
        const state = c.prepare(RUN_STATE)
        const store = c.prepare(STORE)
        const markDone = c.prepare(MARK_DONE)
        // Per active run: results this commit stored, and how many of them failed. A replayed sample stores nothing.
        const counts = new Map<string, { sent: number; stored: number; failed: number; indexes: Array<number> }>()
        const closed = new Set<string>()
        for (const { runId, row, resultJson } of entries) {
          let count = counts.get(runId)
          if (count === undefined) {
            if (closed.has(runId)) continue
            const run = state.get(runId) as { status: string } | undefined
            if (run === undefined || !isActiveStatus(run.status)) {
              closed.add(runId)
              continue
            }
            counts.set(runId, (count = { sent: 0, stored: 0, failed: 0, indexes: [] }))
          }
          count.sent++
          const failed = row.failed ? 1 : 0
          if (store.run(runId, row.sampleIndex, row.sampleId, failed, resultJson).changes > 0) {
            count.stored++
            count.failed += failed
            count.indexes.push(row.sampleIndex)
          }
          markDone.run(runId, row.sampleIndex)
        }
        const progressed = c.prepare(PROGRESS)
        const progress: Array<RunProgress> = []
        for (const [id, count] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          const [run] = progressed.all(count.stored, count.failed, now, id) as Array<{ completed_samples: number; total_samples: number }>
          if (!run) continue
          const completedSamples = Number(run.completed_samples)
          const totalSamples = Number(run.total_samples)
          // RunCompletion's conditions: the run held exactly `storedBefore`, every result sent for it was stored, and that makes its total.
          const completion = completions.find((candidate) => candidate.runId === id)
          const completes =
            completion !== undefined &&
            completedSamples - count.stored === completion.storedBefore &&
            count.stored === count.sent &&
            completedSamples === totalSamples
          if (completes) {
            c.prepare(COMPLETE).run(completion.score, completion.deploymentRecommendation, completion.summaryJson, now, now, id)
          }
          progress.push({ id, completedSamples, totalSamples, storedIndexes: count.indexes, completed: completes })
        }
        return progress
      })
    )
})
