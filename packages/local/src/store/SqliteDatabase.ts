/**
 * Everything SQLite-specific lives here: the driver, WAL, the busy policy and
 * the file name. The repositories and migrations only use @effect/sql's
 * portable layer (PgDatabase.ts is the other engine).
 *
 * Several processes share one file (the gateway, the TUI, CLI commands,
 * workers), so every connection follows one discipline:
 *
 * - WAL, so readers never wait for the writer, and `synchronous = FULL`, so a
 *   response is sent after its commit is on disk.
 * - One writer at a time, taken up front: transactions start with
 *   `BEGIN IMMEDIATE`. A plain (deferred) `BEGIN` reads first and upgrades to
 *   a writer later; when another process committed in between, SQLite
 *   answers the upgrade with SQLITE_BUSY at once (the snapshot is stale, so
 *   waiting cannot help) — the random "Failed to execute statement" of
 *   issue 23. With the write lock taken by `BEGIN IMMEDIATE`, the busy
 *   handler waits for it instead, and no statement inside can be busy.
 * - Busy is waited out, with a bound. The driver is synchronous, so
 *   SQLite's own busy wait freezes the whole process (heartbeats, HTTP):
 *   `busy_timeout` is kept short and a statement still busy after it is
 *   retried asynchronously with a growing, jittered pause, for up to
 *   `BUSY_RETRY_BOUND`. A busy statement did nothing, so re-running it is
 *   safe (in autocommit, and for `BEGIN IMMEDIATE`/`COMMIT` themselves).
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import * as Statement from "@effect/sql/Statement"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as fs from "node:fs"
import * as path from "node:path"

export const DATABASE_FILE = "fruxkit-local.sqlite"

/** How long SQLite itself waits (blocking the event loop) for another process's lock before answering busy. */
const BUSY_TIMEOUT_MS = 100

/** How long a busy statement is retried, in all, before its SqlError is the caller's. */
export const BUSY_RETRY_BOUND = Duration.seconds(30)

export const databasePath = (dataDir: string): string => path.join(dataDir, DATABASE_FILE)

/** SQLITE_BUSY and SQLITE_LOCKED, with their extended codes (SQLITE_BUSY_SNAPSHOT, …): another connection holds the lock. */
export const isBusy = (error: unknown): boolean => {
  if (!(error instanceof SqlError)) return false
  const code = (error.cause as { code?: unknown } | undefined)?.code
  return typeof code === "string" && /^SQLITE_(BUSY|LOCKED)/.test(code)
}

const busyRetry = Schedule.exponential("5 millis", 1.6).pipe(
  Schedule.union(Schedule.spaced("200 millis")),
  Schedule.jittered,
  Schedule.upTo(BUSY_RETRY_BOUND)
)

const retryWhileBusy = <A>(statement: Effect.Effect<A, SqlError>): Effect.Effect<A, SqlError> =>
  Effect.retry(statement, { schedule: busyRetry, while: isBusy })

/** The driver's connection, each statement retried while busy. */
const retryingBusy = (connection: Connection): Connection => ({
  execute: (sql, params, transformRows) => retryWhileBusy(connection.execute(sql, params, transformRows)),
  executeRaw: (sql, params) => retryWhileBusy(connection.executeRaw(sql, params)),
  executeValues: (sql, params) => retryWhileBusy(connection.executeValues(sql, params)),
  executeUnprepared: (sql, params, transformRows) => retryWhileBusy(connection.executeUnprepared(sql, params, transformRows)),
  executeStream: (sql, params, transformRows) => connection.executeStream(sql, params, transformRows)
})

/**
 * A client on the driver's one connection: the driver's client lends it
 * (`reserve` holds its lock for a statement or a whole transaction); this
 * one adds `BEGIN IMMEDIATE` and the busy retry.
 */
const makeClient = (filename: string) =>
  Effect.gen(function* () {
    const driver = yield* SqliteClient.make({ filename })
    const connection = retryingBusy(yield* Effect.scoped(driver.reserve))
    const acquirer = Effect.as(driver.reserve, connection)
    return yield* SqlClient.make({
      acquirer,
      transactionAcquirer: acquirer,
      compiler: Statement.makeCompilerSqlite(),
      spanAttributes: [["db.system.name", "sqlite"]],
      beginTransaction: "BEGIN IMMEDIATE"
    })
  })

/**
 * Makes `<dataDir>/fruxkit-local.sqlite` a copy of `template` (a database
 * written and closed by this module, so complete without its WAL). False, and
 * nothing changed, when there is no template or the database file exists
 * (another process created it first) or the file system cannot link. The
 * copy is written under a temporary name, 0600 and synced, then linked into
 * place: no process opens a half-copied file, none is ever replaced, and a
 * crash leaves either no database (the next start copies again) or a whole one.
 */
export const createFrom = (template: string, dataDir: string): boolean => {
  const file = databasePath(dataDir)
  const copy = `${file}.${process.pid}.copy`
  try {
    fs.copyFileSync(template, copy)
    fs.chmodSync(copy, 0o600)
    const fd = fs.openSync(copy, "r+")
    try {
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
    fs.linkSync(copy, file)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    // No (readable) template, a database already there, or no hard links here: the caller creates the database as before.
    if (code === "ENOENT" || code === "EACCES" || code === "EEXIST" || code === "EPERM" || code === "ENOTSUP" || code === "EXDEV") return false
    throw error
  } finally {
    fs.rmSync(copy, { force: true })
  }
}

/** A SQLite client on `<dataDir>/fruxkit-local.sqlite`, set up for several processes (see above). */
export const layer = (dataDir: string): Layer.Layer<SqlClient.SqlClient> => {
  const client = Layer.scoped(SqlClient.SqlClient, makeClient(databasePath(dataDir))).pipe(Layer.provide(Reactivity.layer))
  const pragmas = Layer.effectDiscard(
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* sql.unsafe(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`)
      yield* sql.unsafe("PRAGMA journal_mode = WAL")
      yield* sql.unsafe("PRAGMA synchronous = FULL")
    })
  )
  return Layer.provideMerge(pragmas, client).pipe(Layer.orDie)
}

/** How often a process with workers looks for other processes' commits (a new run, samples handed back). */
export const COMMIT_WATCH_MS = 100

/**
 * Calls `onCommit` when another connection (another process) has committed
 * to the file since the last look: SQLite's `data_version` changes then.
 * PostgreSQL announces new runs with NOTIFY; SQLite has no such thing, and a
 * look at `data_version` costs far less than the claim query a poll would
 * run, so workers in other processes join a new run within ~100 ms instead
 * of at their next poll. Returns a stop function.
 */
export const watchCommits = (
  run: <A>(effect: Effect.Effect<A, SqlError, SqlClient.SqlClient>) => Promise<A>,
  onCommit: () => void
): (() => void) => {
  let last: number | undefined
  let looking = false
  const timer = setInterval(() => {
    if (looking) return
    looking = true
    run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe<{ data_version: number }>("PRAGMA data_version")))
      .then(([row]) => {
        const version = Number(row?.data_version)
        if (last !== undefined && version !== last) onCommit()
        last = version
      })
      .catch(() => undefined)
      .finally(() => (looking = false))
  }, COMMIT_WATCH_MS)
  timer.unref()
  return () => clearInterval(timer)
}
