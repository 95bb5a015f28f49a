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
import * as Schema from "effect/Schema"
import * as Row from "./Row.js"
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

const KeyedCreateRow = Schema.Struct({
  tenantId: Row.column("tenant_id", Schema.String),
  key: Row.column("idempotency_key", Schema.String),
  fingerprint: Schema.String,
  status: Row.Numeric,
  body: Schema.String,
  createdAt: Row.column("created_at", Row.Numeric),
  expiresAt: Row.column("expires_at", Row.Numeric)
})

const toKeyedCreate: (row: unknown) => KeyedCreate = Row.decoder("keyed_creates", KeyedCreateRow)

export const find = (tenantId: string, key: string, now: number): SqlEffect<KeyedCreate | undefined> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql`SELECT * FROM keyed_creates
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
