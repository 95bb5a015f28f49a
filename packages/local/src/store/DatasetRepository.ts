/** Datasets (fruxkit's own shape; the contract has no public page for them). */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { Dataset } from "@fruxkit/core"
import * as Row from "./Row.js"
import type { SqlEffect } from "./Store.js"

const DatasetRow = Schema.Struct({
  id: Schema.String,
  agentId: Row.column("agent_id", Schema.String),
  name: Schema.String,
  description: Schema.String,
  sampleCount: Row.column("sample_count", Row.Numeric),
  createdAt: Row.column("created_at", Row.Numeric),
  modifiedAt: Row.column("modified_at", Row.Numeric)
})

const toDataset: (row: unknown) => Dataset = Row.decoder("datasets", DatasetRow)

export const listDatasets = (tenant: string, agentId: string): SqlEffect<Array<Dataset>> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql`SELECT d.*, (SELECT COUNT(*) FROM samples s WHERE s.dataset_id = d.id) AS sample_count
        FROM datasets d WHERE d.tenant_id = ${tenant} AND d.agent_id = ${agentId} ORDER BY d.created_at DESC, d.id DESC`,
      (rows) => rows.map(toDataset)
    )
  )

export const findDataset = (tenant: string, agentId: string, id: string): SqlEffect<Dataset | undefined> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql`SELECT d.*, (SELECT COUNT(*) FROM samples s WHERE s.dataset_id = d.id) AS sample_count
        FROM datasets d WHERE d.tenant_id = ${tenant} AND d.agent_id = ${agentId} AND d.id = ${id}`,
      (rows) => (rows[0] ? toDataset(rows[0]) : undefined)
    )
  )

/** Id and name only: no sample count (a count grows with the dataset; writes do not need it). */
export const findDatasetName = (tenant: string, agentId: string, id: string): SqlEffect<string | undefined> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<{ name: string }>`SELECT name FROM datasets WHERE tenant_id = ${tenant} AND agent_id = ${agentId} AND id = ${id}`,
      (rows) => rows[0]?.name
    )
  )

export const findDatasetByName = (tenant: string, agentId: string, name: string): SqlEffect<Dataset | undefined> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql`SELECT d.*, (SELECT COUNT(*) FROM samples s WHERE s.dataset_id = d.id) AS sample_count
        FROM datasets d WHERE d.tenant_id = ${tenant} AND d.agent_id = ${agentId} AND d.name = ${name}`,
      (rows) => (rows[0] ? toDataset(rows[0]) : undefined)
    )
  )

export const insertDataset = (dataset: {
  readonly id: string
  readonly tenant: string
  readonly agentId: string
  readonly name: string
  readonly description: string
  readonly now: number
}): SqlEffect<Dataset> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.as(
      sql`INSERT INTO datasets (id, tenant_id, agent_id, name, description, created_at, modified_at)
        VALUES (${dataset.id}, ${dataset.tenant}, ${dataset.agentId}, ${dataset.name}, ${dataset.description},
          ${dataset.now}, ${dataset.now})`,
      {
        id: dataset.id,
        agentId: dataset.agentId,
        name: dataset.name,
        description: dataset.description,
        sampleCount: 0,
        createdAt: dataset.now,
        modifiedAt: dataset.now
      }
    )
  )
