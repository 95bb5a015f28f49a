/**
 * Creating calls' `Idempotency-Key`s, stored with what they created. The
 * row is inserted in the create's own transaction with a plain INSERT: of
 * two concurrent creates under one key the second fails on the primary key
 * and rolls back, so nothing is created twice on any number of processes.
 * An expired row is gone for every purpose (read, insert) before a sweep
 * deletes it.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import type { SqlEffect } from "./Store.js"

export interface KeyedCreate {
  readonly tenantId: string
  readonly key: string
  /** Same request ⇔ same fingerprint (core's `IdempotencyKey.canonicalRequest`, hashed). */
  readonly fingerprint: string
  /** The answer to replay: its status and JSON body ("" for none). */
  readonly status: number
  readonly body: string
  readonly createdAt: number
  readonly expiresAt: number
}

interface Row {
  readonly tenant_id: string
  readonly idempotency_key: string
  readonly fingerprint: string
  readonly status: number | string
  readonly body: string
  readonly created_at: number | string
  readonly expires_at: number | string
}

const toKeyedCreate = (row: Row): KeyedCreate => ({
  tenantId: row.tenant_id,
  key: row.idempotency_key,
  fingerprint: row.fingerprint,
  status: Number(row.status),
  body: row.body,
  createdAt: Number(row.created_at),
  expiresAt: Number(row.expires_at)
})

export const find = (tenantId: string, key: string, now: number): SqlEffect<KeyedCreate | undefined> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<Row>`SELECT * FROM keyed_creates
        WHERE tenant_id = ${tenantId} AND idempotency_key = ${key} AND expires_at > ${now}`,
      (rows) => (rows[0] ? toKeyedCreate(rows[0]) : undefined)
    )
  )

/** Fails (unique violation) when a live row for the key exists: run it in the create's transaction. */
export const insert = (record: KeyedCreate): SqlEffect<void> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`DELETE FROM keyed_creates
      WHERE tenant_id = ${record.tenantId} AND idempotency_key = ${record.key} AND expires_at <= ${record.createdAt}`
    yield* sql`INSERT INTO keyed_creates (tenant_id, idempotency_key, fingerprint, status, body, created_at, expires_at)
      VALUES (${record.tenantId}, ${record.key}, ${record.fingerprint}, ${record.status}, ${record.body},
        ${record.createdAt}, ${record.expiresAt})`
  })

export const sweep = (now: number): SqlEffect<void> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => Effect.asVoid(sql`DELETE FROM keyed_creates WHERE expires_at <= ${now}`))
