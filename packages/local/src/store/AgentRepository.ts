/** Tenants, agents and their revisions. */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { Flow, ParameterMetadata, type Agent, type AgentRevision } from "@fruxkit/core"
import * as Row from "./Row.js"
import { toJson, type SqlEffect } from "./Store.js"

const AgentRow = Schema.Struct({
  id: Schema.String,
  tenantId: Row.column("tenant_id", Schema.String),
  displayName: Row.column("display_name", Schema.String),
  description: Schema.String,
  tags: Row.Json(Schema.Array(Schema.String)),
  type: Schema.String,
  enabled: Row.Flag,
  currentRevision: Row.column("current_revision", Row.Numeric),
  origin: Schema.String,
  createdAt: Row.column("created_at", Row.Numeric),
  modifiedAt: Row.column("modified_at", Row.Numeric)
})

const RevisionRow = Schema.Struct({
  agentId: Row.column("agent_id", Schema.String),
  agentRevision: Row.column("revision", Row.Numeric),
  comment: Schema.String,
  parametersMetadata: Row.column("parameters_metadata", Row.Json(Schema.Array(ParameterMetadata))),
  flow: Row.Json(Flow),
  createdAt: Row.column("created_at", Row.Numeric)
})

const decodeAgent = Row.decoder("agents", AgentRow)
const decodeRevision = Row.decoder("revisions", RevisionRow)

/** Agents here are native: no external configuration is stored. */
const toAgent = (row: unknown): Agent => ({ ...decodeAgent(row), externalConfig: null })

const toRevision = (row: unknown, currentRevision: number): AgentRevision => {
  const revision = decodeRevision(row)
  return { ...revision, deployed: revision.agentRevision === currentRevision }
}

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
      sql`SELECT * FROM agents WHERE tenant_id = ${tenant} AND id = ${agentId}`,
      (rows) => (rows[0] ? toAgent(rows[0]) : undefined)
    )
  )

export const listAgents = (tenant: string): SqlEffect<Array<Agent>> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(sql`SELECT * FROM agents WHERE tenant_id = ${tenant} ORDER BY id`, (rows) => rows.map(toAgent))
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
      sql`SELECT * FROM revisions WHERE tenant_id = ${tenant} AND agent_id = ${agentId} AND revision = ${revision}`,
      (rows) => (rows[0] ? toRevision(rows[0], currentRevision) : undefined)
    )
  )

export const listRevisions = (tenant: string, agentId: string, currentRevision: number): SqlEffect<Array<AgentRevision>> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql`SELECT * FROM revisions WHERE tenant_id = ${tenant} AND agent_id = ${agentId} ORDER BY revision DESC`,
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
