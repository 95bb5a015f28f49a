/** Persisted evaluation runs (those with a `candidateRevision`), their leases and per-sample results. */
import * as SqlClient from "@effect/sql/SqlClient"
import type { Fragment } from "@effect/sql/Statement"
import * as Effect from "effect/Effect"
import type { EvaluationRunSampleResult, EvaluationRunSummary, PageOf } from "@fruxkit/core"
import { encodeCursor, toPage, type PageRequest } from "./page-token.js"
import type { RunRecord, RunStore } from "./RunStore.js"
import { fromJson, toJson, type SqlEffect, type Store } from "./Store.js"

interface RunRow {
  readonly id: string
  readonly tenant_id: string
  readonly agent_id: string
  readonly dataset_id: string | null
  readonly candidate_revision: number | null
  readonly candidate_base_revision: number | null
  readonly deployed_revision: number | null
  readonly status: string
  readonly score: number | null
  readonly deployment_recommendation: string | null
  readonly summary: string | null
  readonly error_message: string | null
  readonly created_at: number
  readonly modified_at: number
  readonly started_at: number
  readonly completed_at: number
  readonly created_by: string
  readonly total_samples: number
  readonly completed_samples: number
  readonly failed_samples: number
  readonly sample_ids: string
  readonly candidate_agent: string | null
  readonly candidate_external_sealed: string | null
  readonly cancel_requested: number
  readonly lease_owner: string | null
  readonly lease_expires_at: number
}

const nullableNumber = (value: number | null): number | null => (value === null ? null : Number(value))

const toRecord = (row: RunRow): RunRecord => ({
  id: row.id,
  tenantId: row.tenant_id,
  agentId: row.agent_id,
  datasetId: row.dataset_id,
  candidateRevision: nullableNumber(row.candidate_revision),
  candidateBaseRevision: nullableNumber(row.candidate_base_revision),
  deployedRevision: nullableNumber(row.deployed_revision),
  status: row.status,
  score: nullableNumber(row.score),
  deploymentRecommendation: row.deployment_recommendation,
  summary: fromJson<EvaluationRunSummary | null>(row.summary, null),
  errorMessage: row.error_message,
  createdAt: Number(row.created_at),
  modifiedAt: Number(row.modified_at),
  startedAt: Number(row.started_at),
  completedAt: Number(row.completed_at),
  createdBy: row.created_by,
  totalSamples: Number(row.total_samples),
  completedSamples: Number(row.completed_samples),
  failedSamples: Number(row.failed_samples),
  sampleIds: fromJson<Array<string>>(row.sample_ids, []),
  candidateAgent: fromJson<Record<string, unknown> | null>(row.candidate_agent, null),
  candidateExternalSealed: row.candidate_external_sealed,
  cancelRequested: Number(row.cancel_requested) === 1,
  leaseOwner: row.lease_owner,
  leaseExpiresAt: Number(row.lease_expires_at),
  transient: false
})

const ACTIVE = ["PENDING", "IN_PROGRESS"]

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
    const rows = yield* sql<RunRow>`SELECT * FROM evaluation_runs WHERE ${where} AND ${after}
      ORDER BY created_at DESC, id DESC LIMIT ${page.size + 1} OFFSET ${page.skip}`
    return toPage(rows, page, Number(count?.n ?? 0), toRecord)
  })

export const makeSqlRunStore = (store: Store): RunStore => ({
  insert: (run) =>
    store.run(
      Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql`INSERT INTO evaluation_runs (id, tenant_id, agent_id, dataset_id, candidate_revision,
          candidate_base_revision, deployed_revision, status, score, deployment_recommendation, summary, error_message,
          created_at, modified_at, started_at, completed_at, created_by, total_samples, completed_samples,
          failed_samples, sample_ids, candidate_agent, candidate_external_sealed, cancel_requested, lease_owner,
          lease_expires_at)
          VALUES (${run.id}, ${run.tenantId}, ${run.agentId}, ${run.datasetId}, ${run.candidateRevision},
            ${run.candidateBaseRevision}, ${run.deployedRevision}, ${run.status}, ${run.score},
            ${run.deploymentRecommendation}, ${run.summary === null ? null : toJson(run.summary)}, ${run.errorMessage},
            ${run.createdAt}, ${run.modifiedAt}, ${run.startedAt}, ${run.completedAt}, ${run.createdBy},
            ${run.totalSamples}, ${run.completedSamples}, ${run.failedSamples}, ${toJson(run.sampleIds)},
            ${run.candidateAgent === null ? null : toJson(run.candidateAgent)}, ${run.candidateExternalSealed},
            ${run.cancelRequested ? 1 : 0}, ${run.leaseOwner}, ${run.leaseExpiresAt})`
      )
    ).then(() => undefined),

  find: (tenant, agentId, id) =>
    store.run(
      Effect.flatMap(SqlClient.SqlClient, (sql) =>
        Effect.map(
          sql<RunRow>`SELECT * FROM evaluation_runs WHERE tenant_id = ${tenant} AND agent_id = ${agentId} AND id = ${id}`,
          (rows) => (rows[0] ? toRecord(rows[0]) : undefined)
        )
      )
    ),

  claim: (owner, now, leaseMs, limit) =>
    store.run(
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const free = yield* sql<{ id: string }>`SELECT id FROM evaluation_runs
          WHERE ${sql.in("status", ACTIVE)} AND (lease_owner IS NULL OR lease_expires_at < ${now})
          ORDER BY created_at, id LIMIT ${limit}`
        const claimed: Array<RunRecord> = []
        for (const { id } of free) {
          // Conditional update: if another process took it in between, no row comes back.
          const rows = yield* sql<RunRow>`UPDATE evaluation_runs SET lease_owner = ${owner},
              lease_expires_at = ${now + leaseMs}, status = ${"IN_PROGRESS"}, modified_at = ${now},
              started_at = CASE WHEN started_at = 0 THEN ${now} ELSE started_at END
            WHERE id = ${id} AND ${sql.in("status", ACTIVE)}
              AND (lease_owner IS NULL OR lease_expires_at < ${now})
            RETURNING *`
          if (rows[0]) claimed.push(toRecord(rows[0]))
        }
        return claimed
      })
    ),

  renew: (id, owner, now, leaseMs) =>
    store.run(
      Effect.flatMap(SqlClient.SqlClient, (sql) =>
        Effect.map(
          sql<{ cancel_requested: number }>`UPDATE evaluation_runs SET lease_expires_at = ${now + leaseMs}
            WHERE id = ${id} AND lease_owner = ${owner} AND status = ${"IN_PROGRESS"}
            RETURNING cancel_requested`,
          (rows) => ({ held: rows.length > 0, cancelRequested: Number(rows[0]?.cancel_requested ?? 0) === 1 })
        )
      )
    ),

  sampleResults: (runId) =>
    store.run(
      Effect.flatMap(SqlClient.SqlClient, (sql) =>
        Effect.map(
          sql<{ sample_index: number; sample_id: string; failed: number; result: string }>`SELECT * FROM
            evaluation_run_samples WHERE run_id = ${runId} ORDER BY sample_index`,
          (rows) =>
            rows.map((row) => ({
              sampleIndex: Number(row.sample_index),
              sampleId: row.sample_id,
              failed: Number(row.failed) === 1,
              result: fromJson<EvaluationRunSampleResult>(row.result, null as never)
            }))
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
        const rows = yield* sql<{ sample_index: number; result: string }>`SELECT sample_index, result
          FROM evaluation_run_samples WHERE run_id = ${runId} AND sample_index > ${afterIndex}
          ORDER BY sample_index LIMIT ${page.size + 1} OFFSET ${page.skip}`
        const hasMore = rows.length > page.size
        const pageRows = hasMore ? rows.slice(0, page.size) : rows
        const last = pageRows[pageRows.length - 1]
        return {
          items: pageRows.map((row) => fromJson<EvaluationRunSampleResult>(row.result, null as never)),
          nextPageToken: hasMore && last ? encodeCursor({ createdAt: Number(last.sample_index), id: runId }) : "",
          totalCount: Number(count?.n ?? 0)
        }
      })
    ),

  saveSampleResults: (entries, now) =>
    store.transaction(
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        for (const { runId, row } of entries) {
          yield* sql`INSERT INTO evaluation_run_samples (run_id, sample_index, sample_id, failed, result)
            VALUES (${runId}, ${row.sampleIndex}, ${row.sampleId}, ${row.failed ? 1 : 0}, ${toJson(row.result)})
            ON CONFLICT (run_id, sample_index) DO NOTHING`
        }
        // Counted from the rows, so a replayed sample cannot count twice.
        for (const runId of new Set(entries.map((e) => e.runId))) {
          yield* sql`UPDATE evaluation_runs SET
              completed_samples = (SELECT COUNT(*) FROM evaluation_run_samples WHERE run_id = ${runId}),
              failed_samples = (SELECT COUNT(*) FROM evaluation_run_samples WHERE run_id = ${runId} AND failed = 1),
              modified_at = ${now}
            WHERE id = ${runId}`
        }
      })
    ),

  finish: (id, owner, outcome, now) =>
    store.run(
      Effect.flatMap(SqlClient.SqlClient, (sql) =>
        Effect.map(
          sql<{ id: string }>`UPDATE evaluation_runs SET status = ${outcome.status}, score = ${outcome.score ?? null},
              deployment_recommendation = ${outcome.deploymentRecommendation ?? null},
              summary = ${outcome.summary ? toJson(outcome.summary) : null},
              error_message = ${outcome.errorMessage ?? null}, completed_at = ${now}, modified_at = ${now},
              lease_owner = NULL, lease_expires_at = 0
            WHERE id = ${id} AND lease_owner = ${owner} AND status = ${"IN_PROGRESS"}
            RETURNING id`,
          (rows) => rows.length > 0
        )
      )
    ),

  requestCancel: (id, now) =>
    store.transaction(
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const [row] = yield* sql<RunRow>`SELECT * FROM evaluation_runs WHERE id = ${id}`
        if (!row) return "missing" as const
        if (!ACTIVE.includes(row.status)) return "terminal" as const
        const held = row.lease_owner !== null && Number(row.lease_expires_at) >= now
        if (held) {
          yield* sql`UPDATE evaluation_runs SET cancel_requested = 1, modified_at = ${now} WHERE id = ${id}`
          return "requested" as const
        }
        // Nobody is working on it: cancel it here and now.
        yield* sql`UPDATE evaluation_runs SET status = ${"CANCELLED"}, cancel_requested = 1, completed_at = ${now},
          modified_at = ${now}, lease_owner = NULL, lease_expires_at = 0 WHERE id = ${id}`
        return "cancelled" as const
      })
    )
})
