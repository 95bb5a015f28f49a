/**
 * The SQL that differs between SQLite and PostgreSQL, and nothing else.
 * Repositories and migrations are written once over `@effect/sql`; where the
 * two engines need different text, they ask here.
 *
 * - Claiming queue rows: PostgreSQL locks the chosen rows and lets
 *   concurrent claimers skip them (`FOR UPDATE SKIP LOCKED`); SQLite has one
 *   writer at a time, so a single `UPDATE … RETURNING` is already atomic.
 * - Progress counters: on PostgreSQL a progress-only update commits without
 *   waiting for its WAL flush (it holds the run's row lock meanwhile, and
 *   the next update recomputes it from durable results anyway). SQLite's
 *   durability is a connection setting, left as it is.
 * - Waking workers: on PostgreSQL a new persisted run is announced with
 *   `pg_notify` (delivered at commit), so idle workers in other processes
 *   start at once instead of at their next poll (PgDatabase listens).
 * - Migrations at start: several processes may start at once on one
 *   PostgreSQL database. The Migrator's own "is the table there?" probe and
 *   `CREATE TABLE` race between processes, so every start takes one advisory
 *   lock for the whole migration. SQLite serialises writers on the file.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type { Fragment } from "@effect/sql/Statement"
import * as Effect from "effect/Effect"

/** Appended to the sub-select that picks queue rows to claim. */
export const skipLockedRows = (sql: SqlClient.SqlClient): Fragment =>
  sql.onDialectOrElse({ pg: () => sql.literal("FOR UPDATE SKIP LOCKED"), orElse: () => sql.literal("") })

/** Inside a transaction whose loss in a server crash is harmless: commit without waiting for the disk. */
export const relaxCommitDurability = (sql: SqlClient.SqlClient): Effect.Effect<void, SqlError> =>
  sql.onDialectOrElse({ pg: () => Effect.asVoid(sql`SET LOCAL synchronous_commit = off`), orElse: () => Effect.void })

export const RUN_ENQUEUED_CHANNEL = "fruxkit_run_enqueued"

/** Inside the transaction that stores a run: tells listening workers once it commits. The payload is the run id. */
export const announceRunEnqueued = (sql: SqlClient.SqlClient, runId: string): Effect.Effect<void, SqlError> =>
  sql.onDialectOrElse({
    pg: () => Effect.asVoid(sql`SELECT pg_notify(${RUN_ENQUEUED_CHANNEL}, ${runId})`),
    orElse: () => Effect.void
  })

/** An arbitrary, fixed key: "fruxkit" in ASCII, so other tools' advisory locks are unlikely to collide. */
const MIGRATION_LOCK_KEY = 0x66727578_6b6974n

/**
 * Runs `migrate` so that concurrent starts on one database take turns. On
 * PostgreSQL: one transaction holding `pg_advisory_xact_lock` (released at
 * commit, or when a killed process's connection drops), with the Migrator's
 * table created up front so its probe never fails inside the transaction.
 */
export const withMigrationLock = <A, E>(
  migrationsTable: string,
  migrate: Effect.Effect<A, E, SqlClient.SqlClient>
): Effect.Effect<A, E | SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.onDialectOrElse({
      pg: () =>
        sql.withTransaction(
          Effect.gen(function* () {
            yield* sql`SELECT pg_advisory_xact_lock(${sql.literal(MIGRATION_LOCK_KEY.toString())})`
            // The same shape the Migrator would create.
            yield* sql`CREATE TABLE IF NOT EXISTS ${sql(migrationsTable)} (
              migration_id integer primary key,
              created_at timestamp with time zone not null default now(),
              name text not null
            )`
            return yield* migrate
          })
        ),
      orElse: () => migrate
    })
  )
