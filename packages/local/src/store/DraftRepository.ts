/** Drafts: one per (agent, base revision); `version` is the ETag. */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import type { AgentDraft } from "@fruxkit/core"
import { fromJson, toJson, type SqlEffect } from "./Store.js"

interface DraftRow {
  readonly agent_id: string
  readonly base_revision: number
  readonly version: number
  readonly head_data: string
  readonly updated_at: number
}

const toDraft = (row: DraftRow): AgentDraft => ({
  agentId: row.agent_id,
  baseRevision: Number(row.base_revision),
  version: Number(row.version),
  updatedAt: Number(row.updated_at),
  headData: fromJson<Record<string, unknown>>(row.head_data, {})
})

export const findDraft = (tenant: string, agentId: string, baseRevision: number): SqlEffect<AgentDraft | undefined> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<DraftRow>`SELECT * FROM drafts WHERE tenant_id = ${tenant} AND agent_id = ${agentId} AND base_revision = ${baseRevision}`,
      (rows) => (rows[0] ? toDraft(rows[0]) : undefined)
    )
  )

export const insertDraft = (
  tenant: string,
  agentId: string,
  baseRevision: number,
  headData: Readonly<Record<string, unknown>>,
  now: number
): SqlEffect<AgentDraft> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.as(
      sql`INSERT INTO drafts (tenant_id, agent_id, base_revision, version, head_data, updated_at)
        VALUES (${tenant}, ${agentId}, ${baseRevision}, ${1}, ${toJson(headData)}, ${now})`,
      { agentId, baseRevision, version: 1, updatedAt: now, headData: { ...headData } }
    )
  )

/**
 * Compare-and-set on `version`: answers the new draft, or `undefined` when
 * the version moved on in between (another writer won).
 */
export const updateDraft = (
  tenant: string,
  agentId: string,
  baseRevision: number,
  expectedVersion: number,
  headData: Readonly<Record<string, unknown>>,
  now: number
): SqlEffect<AgentDraft | undefined> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<DraftRow>`UPDATE drafts SET version = version + 1, head_data = ${toJson(headData)}, updated_at = ${now}
        WHERE tenant_id = ${tenant} AND agent_id = ${agentId} AND base_revision = ${baseRevision}
          AND version = ${expectedVersion}
        RETURNING *`,
      (rows) => (rows[0] ? toDraft(rows[0]) : undefined)
    )
  )
