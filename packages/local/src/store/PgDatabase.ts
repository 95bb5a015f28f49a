/**
 * The PostgreSQL connection (`FRUXKIT_DATABASE_URL=postgres://…`): the same
 * store as SQLite, for several gateways and workers sharing one database.
 * Only connection settings live here; SQL that differs by engine is in
 * Dialect.ts.
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

/**
 * Result parsing by type OID, so rows look as they do from SQLite: numbers
 * for every numeric type. BIGINT (20) columns hold epoch milliseconds,
 * counters and revisions, all well inside 2^53; node-postgres would return
 * them as strings. Everything else this store reads is TEXT and stays text.
 */
const NUMERIC_OIDS = new Set([20, 21, 23, 700, 701, 1700])
const BOOL_OID = 16
const parseResultValue = (oid: number) => {
  if (NUMERIC_OIDS.has(oid)) return (text: string) => Number(text)
  if (oid === BOOL_OID) return (text: string) => text === "t"
  return (text: string) => text
}

export const isDatabaseUrl = (url: string): boolean => /^postgres(ql)?:\/\//.test(url)

export interface PgOptions {
  /** Connections this process may open (default 10). */
  readonly maxConnections?: number | undefined
}

export const layer = (url: string, options: PgOptions = {}): Layer.Layer<SqlClient.SqlClient> =>
  PgClient.layer({
    url: Redacted.make(url),
    maxConnections: options.maxConnections ?? 10,
    applicationName: "fruxkit-local",
    types: { getTypeParser: parseResultValue as never }
  }).pipe(Layer.orDie)
