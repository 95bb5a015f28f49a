/** Execution records: every run of an agent (draft tests, `:execute`, the demo seed). */
import * as SqlClient from "@effect/sql/SqlClient"
import type { Fragment } from "@effect/sql/Statement"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { ExecutionTrace, Field, StepResult, type ExecutionRecord, type PageOf } from "@fruxkit/core"
import { toPage, type PageRequest } from "./page-token.js"
import * as Row from "./Row.js"
import { toJson, type SqlEffect } from "./Store.js"

export interface StoredExecution {
  readonly id: string
  readonly tenantId: string
  readonly agentId: string
  readonly agentRevision: number
  readonly startTime: number
  readonly endTime: number
  readonly status: string
  readonly inputTokens: number
  readonly outputTokens: number
  readonly environmentSlug: string | null
  readonly sessionId: string
  readonly mode: string
  readonly parameters: Record<string, unknown>
  readonly response: string
  readonly result: StepResult | null
  readonly trace: ExecutionTrace | null
  readonly inputCost: number
  readonly outputCost: number
  readonly totalCost: number
  readonly createdAt: number
}

const ExecutionRow = Schema.Struct({
  id: Schema.String,
  tenantId: Row.column("tenant_id", Schema.String),
  agentId: Row.column("agent_id", Schema.String),
  agentRevision: Row.column("agent_revision", Row.Numeric),
  startTime: Row.column("start_time", Row.Numeric),
  endTime: Row.column("end_time", Row.Numeric),
  status: Schema.String,
  inputTokens: Row.column("input_tokens", Row.Numeric),
  outputTokens: Row.column("output_tokens", Row.Numeric),
  environmentSlug: Row.column("environment_slug", Schema.NullOr(Schema.String)),
  sessionId: Row.column("session_id", Schema.String),
  mode: Schema.String,
  parameters: Row.Json(Field.JsonObject),
  response: Schema.String,
  result: Schema.NullOr(Row.Json(StepResult)),
  trace: Schema.NullOr(Row.Json(ExecutionTrace)),
  inputCost: Row.column("input_cost", Row.Numeric),
  outputCost: Row.column("output_cost", Row.Numeric),
  totalCost: Row.column("total_cost", Row.Numeric),
  createdAt: Row.column("created_at", Row.Numeric)
})

const toStored: (row: unknown) => StoredExecution = Row.decoder("execution_records", ExecutionRow)

export const toExecutionRecord = (stored: StoredExecution, isSample: boolean): ExecutionRecord => ({
  id: stored.id,
  agentId: stored.agentId,
  agentRevision: stored.agentRevision,
  startTime: stored.startTime,
  endTime: stored.endTime,
  status: stored.status,
  inputTokens: stored.inputTokens,
  outputTokens: stored.outputTokens,
  hasResult: stored.result !== null,
  hasTrace: stored.trace !== null,
  isSample,
  environmentSlug: stored.environmentSlug,
  createdAt: stored.createdAt,
  tenantId: stored.tenantId,
  inputCost: stored.inputCost,
  outputCost: stored.outputCost,
  totalCost: stored.totalCost
})

export const insertExecution = (e: StoredExecution): SqlEffect<void> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.asVoid(sql`INSERT INTO execution_records (id, tenant_id, agent_id, agent_revision, start_time, end_time,
      status, input_tokens, output_tokens, environment_slug, session_id, mode, parameters, response, result, trace,
      input_cost, output_cost, total_cost, created_at)
      VALUES (${e.id}, ${e.tenantId}, ${e.agentId}, ${e.agentRevision}, ${e.startTime}, ${e.endTime}, ${e.status},
        ${e.inputTokens}, ${e.outputTokens}, ${e.environmentSlug}, ${e.sessionId}, ${e.mode}, ${toJson(e.parameters)},
        ${e.response}, ${e.result === null ? null : toJson(e.result)}, ${e.trace === null ? null : toJson(e.trace)},
        ${e.inputCost}, ${e.outputCost}, ${e.totalCost}, ${e.createdAt})`)
  )

export const findExecution = (tenant: string, agentId: string, id: string): SqlEffect<StoredExecution | undefined> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql`SELECT * FROM execution_records WHERE tenant_id = ${tenant} AND agent_id = ${agentId} AND id = ${id}`,
      (rows) => (rows[0] ? toStored(rows[0]) : undefined)
    )
  )

export const isSample = (executionId: string): SqlEffect<boolean> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(sql`SELECT id FROM samples WHERE execution_id = ${executionId} LIMIT 1`, (rows) => rows.length > 0)
  )

export interface ExecutionFilter {
  readonly startTime?: number | undefined
  readonly endTime?: number | undefined
  readonly environmentSlug?: string | undefined
  readonly status?: ReadonlyArray<string> | undefined
  readonly agentRevision?: number | undefined
}

export const listExecutions = (
  tenant: string,
  agentId: string,
  filter: ExecutionFilter,
  page: PageRequest
): SqlEffect<PageOf<ExecutionRecord>> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const conditions: Array<Fragment> = [sql`tenant_id = ${tenant}`, sql`agent_id = ${agentId}`]
    if (filter.startTime !== undefined) conditions.push(sql`start_time >= ${filter.startTime}`)
    if (filter.endTime !== undefined) conditions.push(sql`start_time <= ${filter.endTime}`)
    if (filter.environmentSlug !== undefined) conditions.push(sql`environment_slug = ${filter.environmentSlug}`)
    if (filter.status !== undefined && filter.status.length > 0) conditions.push(sql.in("status", filter.status))
    if (filter.agentRevision !== undefined) conditions.push(sql`agent_revision = ${filter.agentRevision}`)
    const where = sql.and(conditions)
    const [count] = yield* sql<{ n: number }>`SELECT COUNT(*) AS n FROM execution_records WHERE ${where}`
    const cursor = page.cursor
    const after = cursor
      ? sql`(created_at < ${cursor.createdAt} OR (created_at = ${cursor.createdAt} AND id < ${cursor.id}))`
      : sql`1 = 1`
    const rows = yield* sql<{ readonly id: string; readonly created_at: number }>`SELECT * FROM execution_records WHERE ${where} AND ${after}
      ORDER BY created_at DESC, id DESC LIMIT ${page.size + 1} OFFSET ${page.skip}`
    const sampled = new Set<string>()
    if (rows.length > 0) {
      const ids = rows.map((row) => row.id)
      const hits = yield* sql<{ execution_id: string }>`SELECT DISTINCT execution_id FROM samples WHERE ${sql.in("execution_id", ids)}`
      for (const hit of hits) sampled.add(hit.execution_id)
    }
    return toPage(rows, page, Number(count?.n ?? 0), (row) => toExecutionRecord(toStored(row), sampled.has(row.id)))
  })
