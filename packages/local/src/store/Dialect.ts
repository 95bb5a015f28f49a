/**
 * The SQL that differs between SQLite and PostgreSQL, and nothing else.
 * Repositories and migrations are written once over `@effect/sql`; where the
 * two engines need different text, they ask here.
 *
 * - The evaluation queue's hot statements (claims, group commits,
 *   heartbeats) are written per engine, on the driver itself: PgQueue.ts
 *   and SqliteQueue.ts (QueueDriver.ts says why).
 * - Waking workers: on PostgreSQL a new persisted run is announced with
 *   `pg_notify` (delivered at commit), so idle workers in other processes
 *   start at once instead of at their next poll (PgDatabase listens).
 *   Run changes (evaluation/RunChanges.ts) go out the same way, on their own
 *   channel, for gateways whose runs are worked on by other processes.
 * - Migrations at start: several processes may start at once on one
 *   PostgreSQL database. The Migrator's own "is the table there?" probe and
 *   `CREATE TABLE` race between processes, so every start takes one advisory
 *   lock for the whole migration. SQLite serialises writers on the file.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type { Fragment } from "@effect/sql/Statement"
import * as Effect from "effect/Effect"

/**
 * The first words of a statement PostgreSQL should prepare once per connection and then only bind and
 * execute (PgDatabase.ts names such statements): statements run for every judged sample or commit, whose
 * parse and plan cost the server more than their execution. A comment, so SQLite (whose
 * driver keeps its prepared statements anyway) runs the same text. Only for statements that never select
 * `*` (a prepared `*` breaks when a migration adds a column) and whose text takes few shapes.
 */
export const PREPARE_ONCE = "/* fruxkit:prepared */ "

export const prepareOnce = (sql: SqlClient.SqlClient): Fragment => sql.literal(PREPARE_ONCE)

export const RUN_ENQUEUED_CHANNEL = "fruxkit_run_enqueued"

/**
 * "Work available": inside the transaction that stores a run, or hands samples back (a clean shutdown, a
 * worker giving a run up): tells listening workers once it commits, so idle ones claim at once instead of
 * at their next poll. The payload is the run id. (Lapsed leases cannot be announced: polling finds those.)
 */
export const announceRunEnqueued = (sql: SqlClient.SqlClient, runId: string): Effect.Effect<void, SqlError> =>
  sql.onDialectOrElse({
    pg: () => Effect.asVoid(sql`SELECT pg_notify(${RUN_ENQUEUED_CHANNEL}, ${runId})`),
    orElse: () => Effect.void
  })

export const RUN_CHANGED_CHANNEL = "fruxkit_run_changed"

/**
 * After a commit that changed a run (its status or progress): tells listening processes
 * (evaluation/RunChanges.ts makes the payload). SQLite has no such thing (see SqliteDatabase.watchCommits).
 */
export const announceRunChanged = (sql: SqlClient.SqlClient, payload: string): Effect.Effect<void, SqlError> =>
  sql.onDialectOrElse({
    pg: () => Effect.asVoid(sql`${prepareOnce(sql)}SELECT pg_notify(${RUN_CHANGED_CHANNEL}, ${payload})`),
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
