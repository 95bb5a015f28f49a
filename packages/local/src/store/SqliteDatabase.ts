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
import type Database from "better-sqlite3"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as fs from "node:fs"
import * as path from "node:path"
import { QueueDriver } from "./QueueDriver.js"
import { BUSY_RETRY_BOUND_MS, isBusyCode, SqliteConnection } from "./SqliteConnection.js"
import { makeSqliteQueue } from "./SqliteQueue.js"

export const DATABASE_FILE = "fruxkit-local.sqlite"

/** How long SQLite itself waits (blocking the event loop) for another process's lock before answering busy. */
const BUSY_TIMEOUT_MS = 100

/** How long a busy statement is retried, in all, before its SqlError is the caller's. */
export const BUSY_RETRY_BOUND = Duration.millis(BUSY_RETRY_BOUND_MS)

export const databasePath = (dataDir: string): string => path.join(dataDir, DATABASE_FILE)

/** SQLITE_BUSY and SQLITE_LOCKED, with their extended codes (SQLITE_BUSY_SNAPSHOT, …): another connection holds the lock. */
export const isBusy = (error: unknown): boolean => error instanceof SqlError && isBusyCode(error.cause)

const busyRetry = Schedule.exponential("5 millis", 1.6).pipe(
  Schedule.union(Schedule.spaced("200 millis")),
  Schedule.jittered,
  Schedule.upTo(BUSY_RETRY_BOUND)
)

const retryWhileBusy = <A>(statement: Effect.Effect<A, SqlError>): Effect.Effect<A, SqlError> =>
  Effect.retry(statement, { schedule: busyRetry, while: isBusy })

/** @effect/sql's connection over ours: each statement prepared once (SqliteConnection.prepare) and retried while busy. */
const effectConnection = (sqlite: SqliteConnection): Connection => {
  const prepare = (sql: string) =>
    Effect.try({ try: () => sqlite.prepare(sql), catch: (cause) => new SqlError({ cause, message: "Failed to prepare statement " }) })
  const execute = (statement: Database.Statement, params: ReadonlyArray<unknown>, raw: boolean) =>
    Effect.try({
      try: (): unknown => {
        if (statement.reader) return statement.all(...params)
        const result = statement.run(...params)
        return raw ? result : []
      },
      catch: (cause) => new SqlError({ cause, message: "Failed to execute statement" })
    })
  const rows = (sql: string, params: ReadonlyArray<unknown>) =>
    Effect.flatMap(prepare(sql), (statement) => execute(statement, params, false)) as Effect.Effect<ReadonlyArray<any>, SqlError>
  return {
    execute: (sql, params, transformRows) => retryWhileBusy(transformRows ? Effect.map(rows(sql, params), transformRows) : rows(sql, params)),
    executeRaw: (sql, params) => retryWhileBusy(Effect.flatMap(prepare(sql), (statement) => execute(statement, params, true))),
    executeValues: (sql, params) =>
      retryWhileBusy(
        Effect.flatMap(prepare(sql), (statement) =>
          Effect.try({
            try: () => {
              if (!statement.reader) {
                statement.run(...params)
                return []
              }
              statement.raw(true)
              try {
                return statement.all(...params) as Array<ReadonlyArray<unknown>>
              } finally {
                statement.raw(false)
              }
            },
            catch: (cause) => new SqlError({ cause, message: "Failed to execute statement" })
          })
        )
      ),
    executeUnprepared: (sql, params, transformRows) => {
      const once = Effect.flatMap(
        Effect.try({ try: () => sqlite.db.prepare(sql), catch: (cause) => new SqlError({ cause, message: "Failed to prepare statement " }) }),
        (statement) => execute(statement, params ?? [], false)
      ) as Effect.Effect<ReadonlyArray<any>, SqlError>
      return retryWhileBusy(transformRows ? Effect.map(once, transformRows) : once)
    },
    executeStream: () => Stream.dieMessage("executeStream not implemented")
  }
}

/** Holds the connection's lock for the scope (a statement, or a whole transaction). */
const lockFor = (sqlite: SqliteConnection): Effect.Effect<void, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<void>((resume) => {
      const stop = sqlite.lock(() => resume(Effect.void))
      return Effect.sync(stop)
    }),
    () => Effect.sync(() => sqlite.unlock())
  )

/**
 * The process's connection (SqliteConnection.ts) as @effect/sql's client — its lock lent to a statement
 * or a whole transaction, `BEGIN IMMEDIATE`, the busy retry — and as the queue's driver (SqliteQueue.ts).
 */
const makeConnection = (filename: string) =>
  Effect.map(
    Effect.acquireRelease(
      Effect.try({ try: () => new SqliteConnection(filename), catch: (cause) => new SqlError({ cause, message: "Failed to open the database" }) }),
      (sqlite) => Effect.sync(() => sqlite.close())
    ),
    (sqlite) => {
      sqlite.prepare("PRAGMA journal_mode = WAL").run()
      return sqlite
    }
  )

const makeClient = (sqlite: SqliteConnection) => {
  const acquirer = Effect.as(lockFor(sqlite), effectConnection(sqlite))
  return SqlClient.make({
    acquirer,
    transactionAcquirer: acquirer,
    compiler: Statement.makeCompilerSqlite(),
    spanAttributes: [["db.system.name", "sqlite"]],
    beginTransaction: "BEGIN IMMEDIATE"
  })
}

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
export const layer = (dataDir: string): Layer.Layer<SqlClient.SqlClient | QueueDriver> => {
  const client = Layer.scopedContext(
    Effect.gen(function* () {
      const sqlite = yield* makeConnection(databasePath(dataDir))
      const sql = yield* makeClient(sqlite)
      return Context.make(SqlClient.SqlClient, sql).pipe(Context.add(QueueDriver, makeSqliteQueue(sqlite)))
    })
  ).pipe(Layer.provide(Reactivity.layer))
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
