/**
 * Token buckets shared by every gateway on one PostgreSQL database: one row
 * per key, refilled and drawn from in a single statement under the row's
 * lock, so concurrent gateways never spend the same token twice.
 * PostgreSQL only (the shared store is; `LEAST`/`GREATEST` and the casts
 * keep parameter types unambiguous there).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import type { SqlEffect } from "./Store.js"

/** Seconds until a token is free: 0 when this call took one. */
export const take = (key: string, perSecond: number, burst: number, now: number): SqlEffect<number> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ tokens: number; last_allowed: number }>`
      INSERT INTO rate_limit_buckets AS b (bucket_key, tokens, updated_at, last_allowed)
      VALUES (${key}, CAST(${burst} AS DOUBLE PRECISION) - 1, ${now}, 1)
      ON CONFLICT (bucket_key) DO UPDATE SET
        tokens = CASE
          WHEN LEAST(CAST(${burst} AS DOUBLE PRECISION), b.tokens + GREATEST(0, CAST(${now} AS BIGINT) - b.updated_at) * CAST(${perSecond} AS DOUBLE PRECISION) / 1000.0) >= 1
          THEN LEAST(CAST(${burst} AS DOUBLE PRECISION), b.tokens + GREATEST(0, CAST(${now} AS BIGINT) - b.updated_at) * CAST(${perSecond} AS DOUBLE PRECISION) / 1000.0) - 1
          ELSE LEAST(CAST(${burst} AS DOUBLE PRECISION), b.tokens + GREATEST(0, CAST(${now} AS BIGINT) - b.updated_at) * CAST(${perSecond} AS DOUBLE PRECISION) / 1000.0)
        END,
        last_allowed = CASE
          WHEN LEAST(CAST(${burst} AS DOUBLE PRECISION), b.tokens + GREATEST(0, CAST(${now} AS BIGINT) - b.updated_at) * CAST(${perSecond} AS DOUBLE PRECISION) / 1000.0) >= 1
          THEN 1 ELSE 0
        END,
        updated_at = GREATEST(b.updated_at, CAST(${now} AS BIGINT))
      RETURNING tokens, last_allowed`
    const row = rows[0]!
    return Number(row.last_allowed) === 1 ? 0 : (1 - Number(row.tokens)) / perSecond
  })
