/**
 * The SQL that differs between SQLite and PostgreSQL, and nothing else.
 * Repositories and migrations are written once over `@effect/sql`; where the
 * two engines need different text, they ask here.
 *
 * - Claiming queue rows: PostgreSQL locks the chosen rows and lets
 *   concurrent claimers skip them (`FOR UPDATE SKIP LOCKED`); SQLite has one
 *   writer at a time, so a single `UPDATE … RETURNING` is already atomic.
 * - Queue bookkeeping without a disk flush (`withoutFlush`): claims and
 *   heartbeats. Losing one of those commits in a machine or server crash is
 *   harmless (a lost claim or heartbeat is a lease that lapses sooner), and
 *   on SQLite each flush is an fsync on the event loop.
 *   SQLite: `synchronous = NORMAL` for those statements only; PostgreSQL:
 *   the RelaxedSql pool (PgDatabase.ts), whose sessions commit with
 *   `synchronous_commit = off`. Results, runs and every API write keep
 *   their flush.
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
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"

/**
 * The first words of a statement PostgreSQL should prepare once per connection and then only bind and
 * execute (PgDatabase.ts names such statements): the evaluation queue's statements, run for every judged
 * sample, whose parse and plan cost the server more than their execution. A comment, so SQLite (whose
 * driver keeps its prepared statements anyway) runs the same text. Only for statements that never select
 * `*` (a prepared `*` breaks when a migration adds a column) and whose text takes few shapes.
 */
export const PREPARE_ONCE = "/* fruxkit:prepared */ "

export const prepareOnce = (sql: SqlClient.SqlClient): Fragment => sql.literal(PREPARE_ONCE)

/** Appended to the sub-select that picks queue rows to claim. */
export const skipLockedRows = (sql: SqlClient.SqlClient): Fragment =>
  sql.onDialectOrElse({ pg: () => sql.literal("FOR UPDATE SKIP LOCKED"), orElse: () => sql.literal("") })

/**
 * PostgreSQL: a second, small pool whose sessions commit without waiting for
 * the WAL flush (`synchronous_commit = off`), for `withoutFlush`. Absent (the
 * gateway's shared store, tests' bare clients): those statements flush.
 */
export class RelaxedSql extends Context.Tag("@fruxkit/local/store/Dialect/RelaxedSql")<RelaxedSql, SqlClient.SqlClient>() {}

/**
 * Runs `effect` — autocommit statements only, no transaction inside — so
 * that its commits do not wait for the disk. SQLite (WAL): the process's one
 * connection is held, set to `synchronous = NORMAL` for the effect and back
 * to FULL after; such a commit is in the WAL, so it survives the process
 * being killed, and only an OS crash or power loss can undo it — never
 * corrupting the file, and the next FULL commit flushes it too. (SQLite
 * refuses to change the setting inside a transaction, hence no transaction.)
 */
export const withoutFlush = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | SqlError, R | SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.onDialectOrElse({
      sqlite: () =>
        Effect.scoped(
          Effect.flatMap(sql.reserve, (connection) =>
            connection.executeRaw("PRAGMA synchronous = NORMAL", []).pipe(
              Effect.zipRight(Effect.provideService(effect, SqlClient.TransactionConnection, [connection, 0] as const)),
              Effect.ensuring(Effect.orDie(connection.executeRaw("PRAGMA synchronous = FULL", [])))
            )
          )
        ),
      pg: () =>
        Effect.flatMap(Effect.serviceOption(RelaxedSql), (relaxed) =>
          relaxed._tag === "Some" ? Effect.provideService(effect, SqlClient.SqlClient, relaxed.value) : effect
        ),
      orElse: () => effect
    })
  )

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
