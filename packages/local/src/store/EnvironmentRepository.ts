/** Environments (auto-created by `environmentSlug`) and conversation sessions. */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Row from "./Row.js"
import { toJson, type SqlEffect } from "./Store.js"

export const environmentExists = (tenant: string, slug: string): SqlEffect<boolean> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql`SELECT slug FROM environments WHERE tenant_id = ${tenant} AND slug = ${slug}`,
      (rows) => rows.length > 0
    )
  )

export const countEnvironments = (tenant: string): SqlEffect<number> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<{ n: number }>`SELECT COUNT(*) AS n FROM environments WHERE tenant_id = ${tenant}`,
      (rows) => Number(rows[0]?.n ?? 0)
    )
  )

export const insertEnvironment = (tenant: string, slug: string, now: number): SqlEffect<void> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.asVoid(sql`INSERT INTO environments (tenant_id, slug, created_at) VALUES (${tenant}, ${slug}, ${now})
      ON CONFLICT (tenant_id, slug) DO NOTHING`)
  )

export const ChatMessage = Schema.Struct({
  role: Schema.Literal("system", "user", "assistant"),
  content: Schema.String
})
export type ChatMessage = typeof ChatMessage.Type

const decodeHistory = Row.decoder("sessions", Schema.Struct({ history: Row.Json(Schema.Array(ChatMessage)) }))

/** A session's turns so far; none when the session is new. */
export const findSessionHistory = (tenant: string, agentId: string, sessionId: string): SqlEffect<ReadonlyArray<ChatMessage>> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql`SELECT history FROM sessions
        WHERE tenant_id = ${tenant} AND agent_id = ${agentId} AND session_id = ${sessionId}`,
      (rows) => (rows[0] === undefined ? [] : decodeHistory(rows[0]).history)
    )
  )

/** Keeps the last turns only: a conversation cannot grow a row without bound. */
const MAX_HISTORY_MESSAGES = 40

export const saveSessionHistory = (
  tenant: string,
  agentId: string,
  sessionId: string,
  history: ReadonlyArray<ChatMessage>,
  now: number
): SqlEffect<void> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => {
    const kept = toJson(history.slice(-MAX_HISTORY_MESSAGES))
    return Effect.asVoid(sql`INSERT INTO sessions (tenant_id, agent_id, session_id, history, updated_at)
      VALUES (${tenant}, ${agentId}, ${sessionId}, ${kept}, ${now})
      ON CONFLICT (tenant_id, agent_id, session_id) DO UPDATE SET history = ${kept}, updated_at = ${now}`)
  })
