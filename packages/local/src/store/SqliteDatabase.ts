/**
 * Everything SQLite-specific lives here: the driver, WAL, busy_timeout and
 * the file name. The repositories and migrations only use @effect/sql's
 * portable layer, so a PostgreSQL store (issue 7) swaps this module for one
 * built on `@effect/sql-pg` and keeps the rest.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as path from "node:path"

export const DATABASE_FILE = "fruxkit-local.sqlite"

/** How long a writer waits for another process's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000

export const databasePath = (dataDir: string): string => path.join(dataDir, DATABASE_FILE)

/**
 * A SQLite client on `<dataDir>/fruxkit-local.sqlite`. WAL (the driver's
 * default, asserted here) lets readers run while a writer commits; with
 * `synchronous = FULL` a commit is on disk before the response is sent.
 */
export const layer = (dataDir: string): Layer.Layer<SqlClient.SqlClient> => {
  const client = SqliteClient.layer({ filename: databasePath(dataDir) })
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
