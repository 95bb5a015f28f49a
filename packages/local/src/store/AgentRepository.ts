/** Tenants, agents and their revisions. */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import type { Agent, AgentRevision, ParameterMetadata } from "@fruxkit/core"
import { fromJson, toJson, type SqlEffect } from "./Store.js"

interface AgentRow {
  readonly tenant_id: string
  readonly id: string
  readonly display_name: string
  readonly description: string
  readonly tags: string
  readonly type: string
  readonly enabled: number
  readonly current_revision: number
  readonly origin: string
  readonly created_at: number
  readonly modified_at: number
}

interface RevisionRow {
  readonly tenant_id: string
  readonly agent_id: string
  readonly revision: number
  readonly comment: string
  readonly parameters_metadata: string
  readonly flow: string
  readonly created_at: number
}

const toAgent = (row: AgentRow): Agent => ({
  id: row.id,
  displayName: row.display_name,
  description: row.description,
  tags: fromJson<Array<string>>(row.tags, []),
  type: row.type,
  enabled: Number(row.enabled) === 1,
  currentRevision: Number(row.current_revision),
  createdAt: Number(row.created_at),
  modifiedAt: Number(row.modified_at),
  tenantId: row.tenant_id,
  origin: row.origin,
  externalConfig: null
})

const toRevision = (row: RevisionRow, currentRevision: number): AgentRevision => ({
  agentId: row.agent_id,
  agentRevision: Number(row.revision),
  comment: row.comment,
  parametersMetadata: fromJson<Array<ParameterMetadata>>(row.parameters_metadata, []),
  flow: fromJson<Record<string, unknown>>(row.flow, {}),
  createdAt: Number(row.created_at),
  deployed: Number(row.revision) === currentRevision
})

export const tenantExists = (tenant: string): SqlEffect<boolean> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(sql<{ id: string }>`SELECT id FROM tenants WHERE id = ${tenant}`, (rows) => rows.length > 0)
  )

export const ensureTenant = (tenant: string, now: number): SqlEffect<void> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.asVoid(sql`INSERT INTO tenants (id, created_at) VALUES (${tenant}, ${now}) ON CONFLICT (id) DO NOTHING`)
  )

export interface NewAgent {
  readonly tenant: string
  readonly id: string
  readonly displayName: string
  readonly description: string
  readonly tags: ReadonlyArray<string>
  readonly now: number
}

/** Creates the agent when it does not exist yet (revision 0 = nothing deployed). */
export const ensureAgent = (agent: NewAgent): SqlEffect<void> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.asVoid(sql`INSERT INTO agents (tenant_id, id, display_name, description, tags, type, enabled,
      current_revision, origin, created_at, modified_at)
      VALUES (${agent.tenant}, ${agent.id}, ${agent.displayName}, ${agent.description}, ${toJson(agent.tags)},
        ${"AGENT"}, ${1}, ${0}, ${"NATIVE"}, ${agent.now}, ${agent.now})
      ON CONFLICT (tenant_id, id) DO NOTHING`)
  )

export const findAgent = (tenant: string, agentId: string): SqlEffect<Agent | undefined> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<AgentRow>`SELECT * FROM agents WHERE tenant_id = ${tenant} AND id = ${agentId}`,
      (rows) => (rows[0] ? toAgent(rows[0]) : undefined)
    )
  )

export const listAgents = (tenant: string): SqlEffect<Array<Agent>> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(sql<AgentRow>`SELECT * FROM agents WHERE tenant_id = ${tenant} ORDER BY id`, (rows) => rows.map(toAgent))
  )

export const setCurrentRevision = (tenant: string, agentId: string, revision: number, now: number): SqlEffect<void> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.asVoid(sql`UPDATE agents SET current_revision = ${revision}, modified_at = ${now}
      WHERE tenant_id = ${tenant} AND id = ${agentId}`)
  )

export const findRevision = (
  tenant: string,
  agentId: string,
  revision: number,
  currentRevision: number
): SqlEffect<AgentRevision | undefined> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<RevisionRow>`SELECT * FROM revisions WHERE tenant_id = ${tenant} AND agent_id = ${agentId} AND revision = ${revision}`,
      (rows) => (rows[0] ? toRevision(rows[0], currentRevision) : undefined)
    )
  )

export const listRevisions = (tenant: string, agentId: string, currentRevision: number): SqlEffect<Array<AgentRevision>> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<RevisionRow>`SELECT * FROM revisions WHERE tenant_id = ${tenant} AND agent_id = ${agentId} ORDER BY revision DESC`,
      (rows) => rows.map((row) => toRevision(row, currentRevision))
    )
  )

export interface NewRevision {
  readonly tenant: string
  readonly agentId: string
  readonly comment: string
  readonly parametersMetadata: ReadonlyArray<ParameterMetadata>
  readonly flow: Readonly<Record<string, unknown>>
  readonly now: number
}

/** Revisions are numbered 1, 2, … per agent; run it in a transaction. */
export const insertRevision = (revision: NewRevision, currentRevision: number): SqlEffect<AgentRevision> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const [max] = yield* sql<{ max_revision: number | null }>`SELECT MAX(revision) AS max_revision FROM revisions
      WHERE tenant_id = ${revision.tenant} AND agent_id = ${revision.agentId}`
    const number = Number(max?.max_revision ?? 0) + 1
    yield* sql`INSERT INTO revisions (tenant_id, agent_id, revision, comment, parameters_metadata, flow, created_at)
      VALUES (${revision.tenant}, ${revision.agentId}, ${number}, ${revision.comment},
        ${toJson(revision.parametersMetadata)}, ${toJson(revision.flow)}, ${revision.now})`
    return {
      agentId: revision.agentId,
      agentRevision: number,
      comment: revision.comment,
      parametersMetadata: [...revision.parametersMetadata],
      flow: { ...revision.flow },
      createdAt: revision.now,
      deployed: number === currentRevision
    }
  })
