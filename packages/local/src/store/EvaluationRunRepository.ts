/** Persisted evaluation runs (those with a `candidateRevision`, and `draft:evaluate`'s), their leases and per-sample results. */
import * as SqlClient from "@effect/sql/SqlClient"
import type { Fragment } from "@effect/sql/Statement"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import { EvaluationRunSampleResult, EvaluationRunSummary, Field, SystemEvaluation, type PageOf } from "@fruxkit/core"
import { encodeCursor, toPage, type PageRequest } from "./page-token.js"
import { summarise, type SummarisedSample } from "../evaluation/summary.js"
import { announceRunEnqueued, prepareOnce, RUN_CHANGED_CHANNEL, RUN_ENQUEUED_CHANNEL } from "./Dialect.js"
import { ACTIVE_STATUSES, isActiveStatus, type RunRecord, type RunSampleRow, type RunStore } from "./RunStore.js"
import { LEASE_DONE } from "./migrations.js"
import * as Row from "./Row.js"
import { toJson, type SqlEffect, type Store } from "./Store.js"
import { StoredSummaries } from "./StoredSummaries.js"
import type { ResultToStore, RunCompletion } from "./QueueDriver.js"

const RunRow = Schema.Struct({
  id: Schema.String,
  tenantId: Row.column("tenant_id", Schema.String),
  agentId: Row.column("agent_id", Schema.String),
  datasetId: Row.column("dataset_id", Schema.NullOr(Schema.String)),
  candidateRevision: Row.column("candidate_revision", Schema.NullOr(Row.Numeric)),
  candidateBaseRevision: Row.column("candidate_base_revision", Schema.NullOr(Row.Numeric)),
  candidateSnapshotSeqNo: Row.column("candidate_snapshot_seq_no", Schema.NullOr(Row.Numeric)),
  deployedRevision: Row.column("deployed_revision", Schema.NullOr(Row.Numeric)),
  status: Schema.String,
  score: Schema.NullOr(Row.Numeric),
  deploymentRecommendation: Row.column("deployment_recommendation", Schema.NullOr(Schema.String)),
  summary: Schema.NullOr(Row.Json(EvaluationRunSummary)),
  errorMessage: Row.column("error_message", Schema.NullOr(Schema.String)),
  createdAt: Row.column("created_at", Row.Numeric),
  modifiedAt: Row.column("modified_at", Row.Numeric),
  startedAt: Row.column("started_at", Row.Numeric),
  completedAt: Row.column("completed_at", Row.Numeric),
  createdBy: Row.column("created_by", Schema.String),
  totalSamples: Row.column("total_samples", Row.Numeric),
  completedSamples: Row.column("completed_samples", Row.Numeric),
  failedSamples: Row.column("failed_samples", Row.Numeric),
  sampleIds: Row.column("sample_ids", Row.Json(Schema.Array(Schema.String))),
  candidateAgent: Row.column("candidate_agent", Schema.NullOr(Row.Json(Field.JsonObject))),
  candidateExternalSealed: Row.column("candidate_external_sealed", Schema.NullOr(Schema.String)),
  cancelRequested: Row.column("cancel_requested", Row.Flag),
  leaseOwner: Row.column("lease_owner", Schema.NullOr(Schema.String)),
  leaseExpiresAt: Row.column("lease_expires_at", Row.Numeric)
})

const decodeRun = Row.decoder("evaluation_runs", RunRow)

/**
 * RunRow's columns, named as RunRow reads them (a statement prepared once must not select `*`:
 * Dialect.PREPARE_ONCE).
 */
const RUN_COLUMN_LIST = SchemaAST.getPropertySignatures(Schema.encodedSchema(RunRow).ast)
  .map((property) => String(property.name))
  .join(", ")
const RUN_COLUMNS = (sql: SqlClient.SqlClient) => sql.literal(RUN_COLUMN_LIST)

/** Runs in SQL are the persisted ones (transient runs live in memory: TransientRunStore). */
const toRecord = (row: unknown): RunRecord => ({ ...decodeRun(row), transient: false })


export interface RunFilter {
  readonly candidateRevision?: number | undefined
  readonly deployedRevision?: number | undefined
  readonly status?: ReadonlyArray<string> | undefined
}

export const listRuns = (
  tenant: string,
  agentId: string,
  filter: RunFilter,
  page: PageRequest
): SqlEffect<PageOf<RunRecord>> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const conditions: Array<Fragment> = [sql`tenant_id = ${tenant}`, sql`agent_id = ${agentId}`]
    if (filter.candidateRevision !== undefined) conditions.push(sql`candidate_revision = ${filter.candidateRevision}`)
    if (filter.deployedRevision !== undefined) conditions.push(sql`deployed_revision = ${filter.deployedRevision}`)
    if (filter.status !== undefined && filter.status.length > 0) conditions.push(sql.in("status", filter.status))
    const where = sql.and(conditions)
    const [count] = yield* sql<{ n: number }>`SELECT COUNT(*) AS n FROM evaluation_runs WHERE ${where}`
    const cursor = page.cursor
    const after = cursor
      ? sql`(created_at < ${cursor.createdAt} OR (created_at = ${cursor.createdAt} AND id < ${cursor.id}))`
      : sql`1 = 1`
    const rows = yield* sql<{ readonly id: string; readonly created_at: number }>`SELECT * FROM evaluation_runs WHERE ${where} AND ${after}
      ORDER BY created_at DESC, id DESC LIMIT ${page.size + 1} OFFSET ${page.skip}`
    return toPage(rows, page, Number(count?.n ?? 0), toRecord)
  })

/** Sample work rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits. */
const LEASE_ROWS_PER_INSERT = 500

/** See migrations.ts: a sample whose result is stored. */
const DONE = LEASE_DONE

/**
 * A sample index has work left: no stored result. Besides the DONE mark, a
 * guard for rows stored before the mark existed; only probed for the few
 * rows a claim picks.
 */
const hasNoResult = (sql: SqlClient.SqlClient) =>
  sql`NOT EXISTS (SELECT 1 FROM evaluation_run_samples s WHERE s.run_id = l.run_id AND s.sample_index = l.sample_index)`

/** Nobody holds the sample: never leased or handed back (owner NULL, expiry 0), or its lease lapsed. Never a DONE one. */
const leaseLapsed = (sql: SqlClient.SqlClient, now: number) => sql`l.lease_expires_at < ${now}`

const notDone = (sql: SqlClient.SqlClient) => sql`l.lease_expires_at < ${DONE}`

const SampleResultRow = Schema.Struct({
  sampleIndex: Row.column("sample_index", Row.Numeric),
  sampleId: Row.column("sample_id", Schema.String),
  failed: Row.Flag,
  result: Row.Json(EvaluationRunSampleResult)
})

const toSampleRow: (row: unknown) => RunSampleRow = Row.decoder("evaluation_run_samples", SampleResultRow)

/**
 * A result as the summary reads it (summary.ts's SummarisedSample): the verdict's scored fields and the
 * timings, with the same field defaults as the full result's schema, so the summary is the one the full rows
 * give. Completing a run reads every result: decoding each execution and trace too cost the commit that
 * completes a 200-sample run most of its time.
 */
const toSummarisedSample: (row: unknown) => SummarisedSample = Row.decoder(
  "evaluation_run_samples",
  Schema.Struct({
    failed: Row.Flag,
    result: Row.Json(
      Schema.Struct({
        llmEvaluation: Field.nullable(
          Schema.Struct({ score: Field.number, overallAssessment: Field.string, keyImprovements: Field.stringArray, concernsRisks: Field.stringArray })
        ),
        systemEvaluation: Field.nullable(SystemEvaluation)
      })
    )
  })
)

/**
 * A result just stored, as the read of it would decode it (StoredSummaries); none when it would not decode (the
 * run is then read back, and fails to complete there as it did before).
 */
const summarisedAsStored = (entry: ResultToStore): Array<readonly [number, SummarisedSample]> => {
  try {
    return [[entry.row.sampleIndex, toSummarisedSample({ failed: entry.row.failed ? 1 : 0, result: entry.resultJson })]]
  } catch {
    return []
  }
}

/** The listing's read: the result as the stored wire text, checked, not rebuilt (Row.WireJson). */
const toWireResultRow = Row.decoder(
  "evaluation_run_samples",
  Schema.Struct({ sampleIndex: Row.column("sample_index", Row.Numeric), result: Row.WireJson(EvaluationRunSampleResult) })
)

/**
 * Completes the run if every sample has a result (counted from the result rows): for a run whose last
 * result was committed by a worker that died before it could complete the run. `true` when this call
 * completed it.
 */
const settleRun = (sql: SqlClient.SqlClient, runId: string, now: number) =>
  Effect.gen(function* () {
    const [run] = yield* sql<{ completed: number; total_samples: number; status: string }>`SELECT
        (SELECT COUNT(*) FROM evaluation_run_samples s WHERE s.run_id = r.id) AS completed, r.total_samples, r.status
      FROM evaluation_runs r WHERE r.id = ${runId}`
    if (!run || !isActiveStatus(run.status) || Number(run.completed) < Number(run.total_samples)) return false
    return yield* completeRun(sql, runId, Number(run.total_samples), now)
  })

/**
 * Every sample has a result (a stored result row never changes): summarise them, then end the run with one
 * conditional UPDATE, which only the first of two completers (the last result's worker, a settle) or none (a
 * cancel got there first) gets to make. Two round trips, not a transaction of five that locked the run's row
 * first: on PostgreSQL the run's end is on the path from its last result to COMPLETED. `stored`: every result,
 * in sample order, as this process stored them (StoredSummaries): then only the UPDATE. `announce`
 * (PostgreSQL): the UPDATE also tells `pg_notify(channel, payload)` when it ends the run — delivered at its
 * commit, with no round trip of its own after it.
 */
const completeRun = (
  sql: SqlClient.SqlClient,
  runId: string,
  totalSamples: number,
  now: number,
  stored?: ReadonlyArray<SummarisedSample>,
  announce?: { readonly channel: string; readonly payload: string }
) =>
  Effect.gen(function* () {
    const results =
      stored ?? (yield* sql`SELECT failed, result FROM evaluation_run_samples WHERE run_id = ${runId} ORDER BY sample_index`).map(toSummarisedSample)
    const verdict = summarise(results, totalSamples)
    const end = sql`UPDATE evaluation_runs SET status = ${"COMPLETED"}, completed_samples = ${results.length},
        failed_samples = ${results.filter((row) => row.failed).length}, score = ${verdict.score},
        deployment_recommendation = ${verdict.deploymentRecommendation},
        summary = ${toJson(verdict.summary)}, completed_at = ${now}, modified_at = ${now}, lease_owner = NULL, lease_expires_at = 0
      WHERE id = ${runId} AND ${sql.in("status", ACTIVE_STATUSES)} RETURNING id`
    const ended = yield* (announce === undefined
      ? end
      : sql`WITH ended AS (${end}) SELECT id, pg_notify(${announce.channel}, ${announce.payload}) AS announced FROM ended`)
    return ended.length > 0
  })

/** Samples of active runs waiting for a worker, and leased (for `/metrics`). */
export const queueDepth = (now: number): SqlEffect<{ readonly waiting: number; readonly leased: number }> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const [row] = yield* sql<{ waiting: number | null; leased: number | null }>`SELECT
        SUM(CASE WHEN ${leaseLapsed(sql, now)} THEN 1 ELSE 0 END) AS waiting,
        SUM(CASE WHEN ${leaseLapsed(sql, now)} THEN 0 ELSE 1 END) AS leased
      FROM evaluation_sample_leases l JOIN evaluation_runs r ON r.id = l.run_id
      WHERE ${sql.in("r.status", ACTIVE_STATUSES)} AND ${notDone(sql)} AND ${hasNoResult(sql)}`
    return { waiting: Number(row?.waiting ?? 0), leased: Number(row?.leased ?? 0) }
  })

/**
 * Persisted runs on SQLite or PostgreSQL (the same statements over
 * `@effect/sql`, except the queue's hot ones: claims, group commits and
 * heartbeats run on the driver itself, `store.queue`, see QueueDriver.ts).
 * The queue is per sample: `evaluation_sample_leases` holds a row per
 * sample, leased by workers for `leaseMs` and renewed by their heartbeat; a
 * stored result ends a sample.
 */
export interface SqlRunStoreOptions {
  /**
   * PostgreSQL: a group commit announces its runs' progress itself (`pg_notify` on RUN_CHANGED_CHANNEL, payload
   * `<origin> <run id>`, delivered at its commit) — in its own statement, not one more round trip per commit —
   * and so does the statement that completes a run after it.
   */
  readonly changeOrigin?: string | undefined
}

export const makeSqlRunStore = (store: Store, options: SqlRunStoreOptions = {}): RunStore => {
  /** What this run store stored of its runs' results (StoredSummaries; one run store per process in the backend). */
  const storedHere = new StoredSummaries()
  /**
   * The runs a group commit of `toStore` would complete, if everything stored of them so far was stored here:
   * each with the summary of those results and this commit's (QueueDriver's RunCompletion says when the commit
   * uses it). The run's last results and its end then commit together — one transaction, not two in turn, on
   * the path from its last answer to COMPLETED — and a reader never sees it at its total still in progress.
   */
  const completionsOf = (toStore: ReadonlyArray<ResultToStore>): Array<RunCompletion> => {
    const completions: Array<RunCompletion> = []
    for (const runId of new Set(toStore.map((entry) => entry.runId))) {
      const batch = toStore.filter((entry) => entry.runId === runId)
      // Only a commit that would make the run's total decodes its results here (the others once, after it).
      if (!storedHere.completesWith(runId, batch.length)) continue
      const summarised = batch.flatMap(summarisedAsStored)
      // A result that would not decode as read: the run is read back to complete, and fails there as before.
      if (summarised.length !== batch.length) continue
      const every = storedHere.allWith(runId, summarised)
      if (every === undefined) continue
      const verdict = summarise(every.samples, every.samples.length)
      completions.push({
        runId,
        storedBefore: every.storedBefore,
        score: verdict.score,
        deploymentRecommendation: verdict.deploymentRecommendation,
        summaryJson: toJson(verdict.summary)
      })
    }
    return completions
  }
  return {
    insert: (run, alongside) =>
      store.run(
        Effect.flatMap(SqlClient.SqlClient, (sql) => {
          const runRow = sql`INSERT INTO evaluation_runs (id, tenant_id, agent_id, dataset_id, candidate_revision,
            candidate_base_revision, candidate_snapshot_seq_no, deployed_revision, status, score, deployment_recommendation, summary, error_message,
            created_at, modified_at, started_at, completed_at, created_by, total_samples, completed_samples,
            failed_samples, sample_ids, candidate_agent, candidate_external_sealed, cancel_requested, lease_owner,
            lease_expires_at)
            VALUES (${run.id}, ${run.tenantId}, ${run.agentId}, ${run.datasetId}, ${run.candidateRevision},
              ${run.candidateBaseRevision}, ${run.candidateSnapshotSeqNo}, ${run.deployedRevision}, ${run.status}, ${run.score},
              ${run.deploymentRecommendation}, ${run.summary === null ? null : toJson(run.summary)}, ${run.errorMessage},
              ${run.createdAt}, ${run.modifiedAt}, ${run.startedAt}, ${run.completedAt}, ${run.createdBy},
              ${run.totalSamples}, ${run.completedSamples}, ${run.failedSamples}, ${toJson(run.sampleIds)},
              ${run.candidateAgent === null ? null : toJson(run.candidateAgent)}, ${run.candidateExternalSealed},
              ${run.cancelRequested ? 1 : 0}, ${run.leaseOwner}, ${run.leaseExpiresAt})`
          return sql.onDialectOrElse({
            // One statement (data-modifying CTEs; the lease rows made by the server from the count, not sent
            // as parameters; the announcement delivered at its commit): on its own, its own transaction, one
            // round trip where there were five — before the run is enqueued, on the path to its first sample.
            pg: () => {
              const enqueue = sql`WITH run AS (${runRow} RETURNING id),
                leases AS (
                  INSERT INTO evaluation_sample_leases (run_id, sample_index, lease_owner, lease_expires_at)
                  SELECT run.id, g, NULL, 0 FROM run, generate_series(0, ${run.sampleIds.length - 1}::integer) AS g
                )
                SELECT pg_notify(${RUN_ENQUEUED_CHANNEL}, id) FROM run`
              return alongside === undefined ? Effect.asVoid(enqueue) : sql.withTransaction(Effect.zipRight(enqueue, alongside))
            },
            orElse: () =>
              sql.withTransaction(
                Effect.gen(function* () {
                  yield* runRow
                  const rows = run.sampleIds.map((_, index) => ({ run_id: run.id, sample_index: index, lease_owner: null, lease_expires_at: 0 }))
                  for (let at = 0; at < rows.length; at += LEASE_ROWS_PER_INSERT) {
                    yield* sql`INSERT INTO evaluation_sample_leases ${sql.insert(rows.slice(at, at + LEASE_ROWS_PER_INSERT))}`
                  }
                  if (alongside !== undefined) yield* alongside
                })
              )
          })
        })
      ),

    find: (tenant, agentId, id) =>
      store.run(
        Effect.flatMap(SqlClient.SqlClient, (sql) =>
          Effect.map(
            sql`SELECT * FROM evaluation_runs WHERE tenant_id = ${tenant} AND agent_id = ${agentId} AND id = ${id}`,
            (rows) => (rows[0] ? toRecord(rows[0]) : undefined)
          )
        )
      ),

    claim: (_owner, now, _leaseMs, limit) =>
      store.run(
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          // Runs with a sample to lease, or with none left at all (every result stored, but the run
          // was never settled: the worker that stored the last one died before it could).
          const isOpen = sql`${sql.in("r.status", ACTIVE_STATUSES)}
              AND (EXISTS (SELECT 1 FROM evaluation_sample_leases l
                    WHERE l.run_id = r.id AND ${leaseLapsed(sql, now)} AND ${hasNoResult(sql)})
                OR NOT EXISTS (SELECT 1 FROM evaluation_sample_leases l WHERE l.run_id = r.id AND ${notDone(sql)} AND ${hasNoResult(sql)}))`
          // A PENDING run becomes IN_PROGRESS, conditionally: when several workers see the same PENDING run,
          // each still gets it; only the first stamps it. On PostgreSQL the pick and the stamp are one
          // statement (a data-modifying CTE): a worker woken for a new run reaches its first claim one round
          // trip sooner. Rows the CTE did not stamp are read as they were before it.
          const rows = yield* sql.onDialectOrElse({
            // One fixed text, prepared once per connection (PREPARE_ONCE: hence the columns named, not `*`):
            // every worker runs it at each poll and at each new run.
            pg: () => sql<{ readonly id: string; readonly status: string }>`${prepareOnce(sql)}WITH open AS (
                SELECT r.id FROM evaluation_runs r WHERE ${isOpen} ORDER BY r.created_at, r.id LIMIT ${limit}
              ),
              stamped AS (
                UPDATE evaluation_runs SET status = ${"IN_PROGRESS"}, started_at = ${now}, modified_at = ${now}
                WHERE id IN (SELECT id FROM open) AND status = ${"PENDING"} RETURNING ${RUN_COLUMNS(sql)}
              )
              SELECT * FROM stamped
              UNION ALL
              SELECT ${RUN_COLUMNS(sql)} FROM evaluation_runs WHERE id IN (SELECT id FROM open) AND id NOT IN (SELECT id FROM stamped)`,
            orElse: () =>
              Effect.gen(function* () {
                const open = yield* sql<{ readonly id: string; readonly status: string }>`SELECT * FROM evaluation_runs r WHERE ${isOpen}
                  ORDER BY r.created_at, r.id LIMIT ${limit}`
                const read: Array<{ readonly id: string; readonly status: string }> = []
                for (const row of open) {
                  if (row.status !== "PENDING") {
                    read.push(row)
                    continue
                  }
                  const [started] = yield* sql<{ readonly id: string; readonly status: string }>`UPDATE evaluation_runs
                    SET status = ${"IN_PROGRESS"}, started_at = ${now}, modified_at = ${now}
                    WHERE id = ${row.id} AND status = ${"PENDING"} RETURNING *`
                  read.push(started ?? row)
                }
                return read
              })
          })
          // Another worker stamped it between our read and our stamp: it is IN_PROGRESS all the same.
          const claimed = rows
            .map((row) => toRecord(row.status === "PENDING" ? { ...row, status: "IN_PROGRESS" } : row))
            .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
          // Its size known, the commit of a run's last results can complete it too, even its first commit.
          for (const run of claimed) storedHere.noteTotal(run.id, run.totalSamples)
          return claimed
        })
      ),

    claimSamples: (runId, owner, now, leaseMs, limit) => store.queue.claimSamples(runId, owner, now, leaseMs, limit),

    renew: (id, owner, now, leaseMs) => store.queue.renew(id, owner, now, leaseMs),

    release: (runId, owner) =>
      store.transaction(
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const released = yield* sql`UPDATE evaluation_sample_leases AS l SET lease_owner = NULL, lease_expires_at = 0
            WHERE l.run_id = ${runId} AND l.lease_owner = ${owner} AND ${notDone(sql)} RETURNING l.sample_index`
          // Work is available again: idle workers in other processes take it now, not at their next poll.
          if (released.length > 0) yield* announceRunEnqueued(sql, runId)
        })
      ),

    sampleResults: (runId) =>
      store.run(
        Effect.flatMap(SqlClient.SqlClient, (sql) =>
          Effect.map(
            sql`SELECT * FROM
              evaluation_run_samples WHERE run_id = ${runId} ORDER BY sample_index`,
            (rows) => rows.map(toSampleRow)
          )
        )
      ),

    pageSampleResults: (runId, page) =>
      store.run(
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const [count] = yield* sql<{ n: number }>`SELECT COUNT(*) AS n FROM evaluation_run_samples WHERE run_id = ${runId}`
          // Results are listed by sampleIndex; the cursor carries the last index seen.
          const afterIndex = page.cursor ? page.cursor.createdAt : -1
          const rows = yield* sql`SELECT sample_index, result
            FROM evaluation_run_samples WHERE run_id = ${runId} AND sample_index > ${afterIndex}
            ORDER BY sample_index LIMIT ${page.size + 1} OFFSET ${page.skip}`
          const hasMore = rows.length > page.size
          const pageRows = (hasMore ? rows.slice(0, page.size) : rows).map(toWireResultRow)
          const last = pageRows[pageRows.length - 1]
          return {
            itemsJson: pageRows.map((row) => row.result),
            nextPageToken: hasMore && last ? encodeCursor({ createdAt: last.sampleIndex, id: runId }) : "",
            totalCount: Number(count?.n ?? 0)
          }
        })
      ),

    saveSampleResults: async (entries, now) => {
      const toStore = entries.map(({ runId, row }) => ({ runId, row, resultJson: JSON.stringify(row.result) }))
      const progress = await store.queue.storeResults(
        toStore,
        now,
        options.changeOrigin === undefined ? undefined : { channel: RUN_CHANGED_CHANNEL, origin: options.changeOrigin },
        completionsOf(toStore)
      )
      // The commit that stored a run's last result sees the count reach the total. Usually it completed the run
      // itself (completionsOf); else the run is completed here (completeRun: exactly one worker summarises),
      // from what this process stored when that is all of it.
      const completed: Array<string> = []
      for (const run of progress) {
        if (run.completed) {
          storedHere.forget(run.id)
          completed.push(run.id)
          continue
        }
        storedHere.noteTotal(run.id, run.totalSamples)
        const stored = new Set(run.storedIndexes)
        storedHere.add(run.id, toStore.filter((entry) => entry.runId === run.id && stored.has(entry.row.sampleIndex)).flatMap(summarisedAsStored))
        if (run.completedSamples < run.totalSamples) continue
        const results = storedHere.all(run.id, run.totalSamples)
        storedHere.forget(run.id)
        // Announced by the completing statement itself, as the group commit announces its progress.
        const announce = options.changeOrigin === undefined ? undefined : { channel: RUN_CHANGED_CHANNEL, payload: `${options.changeOrigin} ${run.id}` }
        if (await store.run(Effect.flatMap(SqlClient.SqlClient, (sql) => completeRun(sql, run.id, run.totalSamples, now, results, announce)))) {
          completed.push(run.id)
        }
      }
      return completed
    },

    settle: (runId, now) => store.run(Effect.flatMap(SqlClient.SqlClient, (sql) => settleRun(sql, runId, now))),

    finish: (id, _owner, outcome, now) => {
      storedHere.forget(id)
      return store.run(
        Effect.flatMap(SqlClient.SqlClient, (sql) =>
          Effect.map(
            sql<{ id: string }>`UPDATE evaluation_runs SET status = ${outcome.status}, score = ${outcome.score ?? null},
                deployment_recommendation = ${outcome.deploymentRecommendation ?? null},
                summary = ${outcome.summary ? toJson(outcome.summary) : null},
                error_message = ${outcome.errorMessage ?? null}, completed_at = ${now}, modified_at = ${now},
                lease_owner = NULL, lease_expires_at = 0
              WHERE id = ${id} AND ${sql.in("status", ACTIVE_STATUSES)}
              RETURNING id`,
            (rows) => rows.length > 0
          )
        )
      )
    },

    requestCancel: (id, now) =>
      store.transaction(
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const [row] = yield* sql`SELECT * FROM evaluation_runs WHERE id = ${id}`
          if (!row) return "missing" as const
          // Ended at once, whoever is working on it: its samples may be spread over several workers, and
          // each stops at its next heartbeat (at once in this process, through "requested").
          const [ended] = yield* sql<{ id: string }>`UPDATE evaluation_runs SET status = ${"CANCELLED"}, cancel_requested = 1,
              completed_at = ${now}, modified_at = ${now}, lease_owner = NULL, lease_expires_at = 0
            WHERE id = ${id} AND ${sql.in("status", ACTIVE_STATUSES)} RETURNING id`
          return ended ? ("requested" as const) : ("terminal" as const)
        })
      )
  }
}
