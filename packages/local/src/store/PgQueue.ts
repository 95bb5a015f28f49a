/**
 * The evaluation queue's hot statements on PostgreSQL (QueueDriver.ts), on node-postgres's pools directly:
 * each a named statement (parsed and planned once per connection, then only bound and executed) of one
 * fixed text — a group commit passes its rows as arrays, so a commit of 1 or of 64 results is the same
 * statement. Claims and heartbeats go to the relaxed pool (sessions with `synchronous_commit = off`: losing
 * one in a server crash only makes a lease lapse sooner); results go to the main pool and wait for the WAL flush.
 */
import { SqlError } from "@effect/sql/SqlError"
import type pg from "pg"
import { LEASE_DONE } from "./migrations.js"
import type { QueueStatements, RunProgress } from "./QueueDriver.js"
import { isActiveStatus } from "./RunStore.js"

const query = async <Row>(pool: pg.Pool, name: string, text: string, values: ReadonlyArray<unknown>): Promise<Array<Row>> => {
  try {
    return (await pool.query<Row & pg.QueryResultRow>({ name, text, values: values as Array<unknown> })).rows
  } catch (cause) {
    throw new SqlError({ cause, message: "Failed to execute statement" })
  }
}

/**
 * One statement: the CTE locks the rows it picks and skips rows another worker is claiming at this moment,
 * so no two workers get one sample. The pick is a CTE, not an `IN (SELECT … LIMIT)` sub-select: PostgreSQL
 * re-runs such a sub-select when the UPDATE meets a row a concurrent claim changed (EvalPlanQual), and then
 * leases more rows than the limit — one worker took 381 of 400 samples that way. The guard on stored results
 * is for rows stored before the DONE mark existed; it is only probed for the few rows the claim picks.
 */
const CLAIM = `WITH picked AS (
    SELECT l.sample_index, l.lease_owner AS previous_owner FROM evaluation_sample_leases l
    WHERE l.run_id = $1 AND l.lease_expires_at < $2
      AND NOT EXISTS (SELECT 1 FROM evaluation_run_samples s WHERE s.run_id = l.run_id AND s.sample_index = l.sample_index)
    ORDER BY l.lease_expires_at, l.sample_index LIMIT $3
    FOR UPDATE SKIP LOCKED
  )
  UPDATE evaluation_sample_leases SET lease_owner = $4, lease_expires_at = $5
  WHERE run_id = $1 AND sample_index IN (SELECT sample_index FROM picked)
  RETURNING sample_index,
    (SELECT p.previous_owner FROM picked p WHERE p.sample_index = evaluation_sample_leases.sample_index) AS previous_owner`

/**
 * Only samples still without a result: a heartbeat's cost stays with what is in flight, not with everything
 * this worker judged in a long run. The renewal is a data-modifying CTE, run whatever the SELECT reads.
 */
const RENEW = `WITH renewed AS (
    UPDATE evaluation_sample_leases l SET lease_expires_at = $3
    WHERE l.run_id = $1 AND l.lease_owner = $2 AND l.lease_expires_at < ${LEASE_DONE}
  )
  SELECT status, cancel_requested FROM evaluation_runs WHERE id = $1`

/**
 * A group commit in one statement (data-modifying CTEs, one round trip). It locks the runs' rows first (in id
 * order, so two workers' commits never deadlock); another worker's commit for the same run waits for this
 * one's WAL flush — a wait for its acknowledgement only, its samples' slots are already free. The counters
 * move by the rows this statement stored (ON CONFLICT: a replayed sample counts nothing), in the transaction
 * that stores them, so they never drift from the rows. A run given in the completions ($7–$11, RunCompletion)
 * is completed by the same UPDATE when it held exactly `stored_before` results (read under the lock), every
 * result sent for it was stored, and that makes its total: its last results and its end are one commit.
 */
const storeResults = (announce: boolean) => `WITH
  incoming AS (
    SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::integer[], $5::text[]) AS i (run_id, sample_index, sample_id, failed, result)
  ),
  completions AS (
    SELECT * FROM unnest($7::text[], $8::bigint[], $9::double precision[], $10::text[], $11::text[])
      AS x (run_id, stored_before, score, recommendation, summary)
  ),
  active AS (
    SELECT r.id, r.completed_samples, r.total_samples FROM evaluation_runs r
    WHERE r.id IN (SELECT run_id FROM incoming) AND r.status IN ('PENDING', 'IN_PROGRESS')
    ORDER BY r.id FOR UPDATE
  ),
  stored AS (
    INSERT INTO evaluation_run_samples (run_id, sample_index, sample_id, failed, result)
    SELECT i.run_id, i.sample_index, i.sample_id, i.failed, i.result FROM incoming i WHERE i.run_id IN (SELECT id FROM active)
    ON CONFLICT (run_id, sample_index) DO NOTHING
    RETURNING run_id, sample_index, failed
  ),
  done AS (
    UPDATE evaluation_sample_leases l SET lease_expires_at = ${LEASE_DONE}
    FROM incoming i WHERE l.run_id = i.run_id AND l.sample_index = i.sample_index AND i.run_id IN (SELECT id FROM active)
  ),
  counted AS (SELECT run_id, COUNT(*) AS stored, SUM(failed) AS failed FROM stored GROUP BY run_id),
  sent AS (SELECT run_id, COUNT(*) AS n FROM incoming GROUP BY run_id),
  finishing AS (
    SELECT x.* FROM completions x
      JOIN active a ON a.id = x.run_id JOIN sent s ON s.run_id = x.run_id JOIN counted c ON c.run_id = x.run_id
    WHERE a.completed_samples = x.stored_before AND c.stored = s.n AND a.completed_samples + c.stored = a.total_samples
  ),
  progressed AS (
    UPDATE evaluation_runs r SET completed_samples = r.completed_samples + COALESCE(c.stored, 0),
      failed_samples = r.failed_samples + COALESCE(c.failed, 0), modified_at = $6,
      status = CASE WHEN f.run_id IS NULL THEN r.status ELSE 'COMPLETED' END,
      score = CASE WHEN f.run_id IS NULL THEN r.score ELSE f.score END,
      deployment_recommendation = CASE WHEN f.run_id IS NULL THEN r.deployment_recommendation ELSE f.recommendation END,
      summary = CASE WHEN f.run_id IS NULL THEN r.summary ELSE f.summary END,
      completed_at = CASE WHEN f.run_id IS NULL THEN r.completed_at ELSE $6 END,
      lease_owner = CASE WHEN f.run_id IS NULL THEN r.lease_owner ELSE NULL END,
      lease_expires_at = CASE WHEN f.run_id IS NULL THEN r.lease_expires_at ELSE 0 END
    FROM active a LEFT JOIN counted c ON c.run_id = a.id LEFT JOIN finishing f ON f.run_id = a.id
    WHERE r.id = a.id
    RETURNING r.id, r.completed_samples, r.total_samples, r.status
  )
  SELECT p.id, p.completed_samples, p.total_samples, p.status,
    array_to_string(ARRAY(SELECT s.sample_index FROM stored s WHERE s.run_id = p.id), ',') AS stored_indexes${announce ? ", pg_notify($12, $13 || p.id) AS announced" : ""}
  FROM progressed p`

const STORE_RESULTS = storeResults(false)
const STORE_RESULTS_ANNOUNCED = storeResults(true)

/** `pool`: the store's pool (commits flushed); `relaxed`: sessions that do not wait for the flush (may be `pool`). */
export const makePgQueue = (pool: pg.Pool, relaxed: pg.Pool): QueueStatements => ({
  claimSamples: async (runId, owner, now, leaseMs, limit) => {
    const rows = await query<{ sample_index: number; previous_owner: string | null }>(relaxed, "fruxkit_queue_claim", CLAIM, [
      runId,
      now,
      limit,
      owner,
      now + leaseMs
    ])
    // A released lease (clean shutdown) has no owner; a claimable one with an owner lapsed.
    return {
      indexes: rows.map((row) => Number(row.sample_index)).sort((a, b) => a - b),
      takenOver: rows.filter((row) => row.previous_owner !== null).length
    }
  },

  renew: async (runId, owner, now, leaseMs) => {
    const [run] = await query<{ status: string; cancel_requested: number }>(relaxed, "fruxkit_queue_renew", RENEW, [runId, owner, now + leaseMs])
    return { held: run !== undefined && isActiveStatus(run.status), cancelRequested: Number(run?.cancel_requested ?? 0) === 1 }
  },

  storeResults: async (entries, now, announce, completions = []) => {
    const columns: [Array<string>, Array<number>, Array<string>, Array<number>, Array<string>] = [[], [], [], [], []]
    for (const { runId, row, resultJson } of entries) {
      columns[0].push(runId)
      columns[1].push(row.sampleIndex)
      columns[2].push(row.sampleId)
      columns[3].push(row.failed ? 1 : 0)
      columns[4].push(resultJson)
    }
    const completing = [
      completions.map((c) => c.runId),
      completions.map((c) => c.storedBefore),
      completions.map((c) => c.score),
      completions.map((c) => c.deploymentRecommendation),
      completions.map((c) => c.summaryJson)
    ]
    type Progressed = { id: string; completed_samples: number; total_samples: number; status: string; stored_indexes: string }
    const rows = announce
      ? await query<Progressed>(pool, "fruxkit_queue_store_announced", STORE_RESULTS_ANNOUNCED, [
          ...columns,
          now,
          ...completing,
          announce.channel,
          `${announce.origin} `
        ])
      : await query<Progressed>(pool, "fruxkit_queue_store", STORE_RESULTS, [...columns, now, ...completing])
    return rows.map(
      (row): RunProgress => ({
        id: row.id,
        completedSamples: Number(row.completed_samples),
        totalSamples: Number(row.total_samples),
        storedIndexes: row.stored_indexes === "" ? [] : row.stored_indexes.split(",").map(Number),
        completed: row.status === "COMPLETED"
      })
    )
  }
})
