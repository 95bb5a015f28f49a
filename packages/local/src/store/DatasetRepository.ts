/** Datasets (fruxkit's own shape; the contract has no public page for them). */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import type { Dataset } from "@fruxkit/core"
import type { SqlEffect } from "./Store.js"

interface DatasetRow {
  readonly id: string
  readonly tenant_id: string
  readonly agent_id: string
  readonly name: string
  readonly description: string
  readonly created_at: number
  readonly modified_at: number
  readonly sample_count: number
}

const toDataset = (row: DatasetRow): Dataset => ({
  id: row.id,
  agentId: row.agent_id,
  name: row.name,
  description: row.description,
  sampleCount: Number(row.sample_count),
  createdAt: Number(row.created_at),
  modifiedAt: Number(row.modified_at)
})

export const listDatasets = (tenant: string, agentId: string): SqlEffect<Array<Dataset>> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<DatasetRow>`SELECT d.*, (SELECT COUNT(*) FROM samples s WHERE s.dataset_id = d.id) AS sample_count
        FROM datasets d WHERE d.tenant_id = ${tenant} AND d.agent_id = ${agentId} ORDER BY d.created_at DESC, d.id DESC`,
      (rows) => rows.map(toDataset)
    )
  )

export const findDataset = (tenant: string, agentId: string, id: string): SqlEffect<Dataset | undefined> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<DatasetRow>`SELECT d.*, (SELECT COUNT(*) FROM samples s WHERE s.dataset_id = d.id) AS sample_count
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
      sql<DatasetRow>`SELECT d.*, (SELECT COUNT(*) FROM samples s WHERE s.dataset_id = d.id) AS sample_count
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
