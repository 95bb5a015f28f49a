/**
 * `Idempotency-Key` records shared by gateways on one database. The first
 * claim of a key wins (a unique key, `ON CONFLICT DO NOTHING`); the winner
 * stores the final response under its claim token; an expired record is
 * gone for every purpose (read, claim) even before a sweep deletes it.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Row from "./Row.js"
import type { SqlEffect } from "./Store.js"

export interface StoredResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
}

export interface IdempotencyRecord {
  readonly scopedKey: string
  /** Same request ⇔ same fingerprint; the gateway answers 409 for a key reused with another request. */
  readonly fingerprint: string
  /** "running": the claimer has not answered yet (wait and read again); "stored": replay `response`. */
  readonly state: "running" | "stored"
  readonly response: StoredResponse | null
  readonly createdAt: number
  readonly expiresAt: number
}

const RecordRow = Schema.Struct({
  scopedKey: Row.column("scoped_key", Schema.String),
  fingerprint: Schema.String,
  state: Schema.Literal("running", "stored"),
  status: Schema.NullOr(Row.Numeric),
  headers: Schema.NullOr(Row.Json(Schema.Record({ key: Schema.String, value: Schema.String }))),
  body: Schema.NullOr(Schema.String),
  createdAt: Row.column("created_at", Row.Numeric),
  expiresAt: Row.column("expires_at", Row.Numeric)
})

const decodeRecord = Row.decoder("idempotency_records", RecordRow)

const toRecord = (row: unknown): IdempotencyRecord => {
  const { status, headers, body, ...record } = decodeRecord(row)
  // A stored record has its whole response; a running one has none yet.
  if (record.state === "running") return { ...record, response: null }
  if (status === null || headers === null || body === null) throw new Row.CorruptRow("idempotency_records", ["status", "headers", "body"])
  return { ...record, response: { status, headers, body: new Uint8Array(Buffer.from(body, "base64")) } }
}

export const find = (scopedKey: string, now: number): SqlEffect<IdempotencyRecord | undefined> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql`SELECT * FROM idempotency_records WHERE scoped_key = ${scopedKey} AND expires_at > ${now}`,
      (rows) => (rows[0] ? toRecord(rows[0]) : undefined)
    )
  )

/** Inserts a running record unless a live one exists; `true` when this call inserted it. Run in a transaction. */
export const claim = (
  scopedKey: string,
  fingerprint: string,
  token: string,
  now: number,
  expiresAt: number
): SqlEffect<boolean> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`DELETE FROM idempotency_records WHERE scoped_key = ${scopedKey} AND expires_at <= ${now}`
    const inserted = yield* sql<{ scoped_key: string }>`INSERT INTO idempotency_records
        (scoped_key, fingerprint, claim_token, state, status, headers, body, created_at, expires_at)
      VALUES (${scopedKey}, ${fingerprint}, ${token}, ${"running"}, NULL, NULL, NULL, ${now}, ${expiresAt})
      ON CONFLICT (scoped_key) DO NOTHING RETURNING scoped_key`
    return inserted.length > 0
  })

/** Stores the answer over the caller's own running claim; `false` when the claim is no longer its own. */
export const complete = (
  scopedKey: string,
  token: string,
  response: StoredResponse,
  expiresAt: number
): SqlEffect<boolean> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<{ scoped_key: string }>`UPDATE idempotency_records SET state = ${"stored"}, status = ${response.status},
          headers = ${JSON.stringify(response.headers)}, body = ${Buffer.from(response.body).toString("base64")},
          expires_at = ${expiresAt}
        WHERE scoped_key = ${scopedKey} AND claim_token = ${token} AND state = ${"running"} RETURNING scoped_key`,
      (rows) => rows.length > 0
    )
  )

export const release = (scopedKey: string, token: string): SqlEffect<void> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.asVoid(
      sql`DELETE FROM idempotency_records WHERE scoped_key = ${scopedKey} AND claim_token = ${token} AND state = ${"running"}`
    )
  )

export const sweep = (now: number): SqlEffect<void> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => Effect.asVoid(sql`DELETE FROM idempotency_records WHERE expires_at <= ${now}`))
