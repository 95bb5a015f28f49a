/** Drafts: one per (agent, base revision); `version` is the ETag. */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { Field, type AgentDraft } from "@fruxkit/core"
import * as Row from "./Row.js"
import { toJson, type SqlEffect } from "./Store.js"

const DraftRow = Schema.Struct({
  agentId: Row.column("agent_id", Schema.String),
  baseRevision: Row.column("base_revision", Row.Numeric),
  version: Row.Numeric,
  updatedAt: Row.column("updated_at", Row.Numeric),
  headData: Row.column("head_data", Row.Json(Field.JsonObject))
})

const toDraft: (row: unknown) => AgentDraft = Row.decoder("drafts", DraftRow)

export const findDraft = (tenant: string, agentId: string, baseRevision: number): SqlEffect<AgentDraft | undefined> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql`SELECT * FROM drafts WHERE tenant_id = ${tenant} AND agent_id = ${agentId} AND base_revision = ${baseRevision}`,
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
      sql`UPDATE drafts SET version = version + 1, head_data = ${toJson(headData)}, updated_at = ${now}
        WHERE tenant_id = ${tenant} AND agent_id = ${agentId} AND base_revision = ${baseRevision}
          AND version = ${expectedVersion}
        RETURNING *`,
      (rows) => (rows[0] ? toDraft(rows[0]) : undefined)
    )
  )
