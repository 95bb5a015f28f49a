/**
 * The store: one SQL client behind a managed runtime. Repositories are
 * Effects over `SqlClient`; the Hono handlers and the worker pool are
 * Promise-based, so they cross over here with `run`.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { withMigrationLock } from "./Dialect.js"
import { migrate, MIGRATIONS_TABLE } from "./migrations.js"
import { QueueDriver, type QueueStatements } from "./QueueDriver.js"

export interface Store {
  readonly run: <A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient>) => Promise<A>
  /** Run in one transaction: every statement commits, or none does. */
  readonly transaction: <A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient>) => Promise<A>
  /** The evaluation queue's hot statements, on the driver itself (QueueDriver.ts). */
  readonly queue: QueueStatements
  readonly close: () => Promise<void>
  /** This start created the schema (the database was empty): the place to seed a new database. */
  readonly createdSchema: boolean
}

export const open = async (layer: Layer.Layer<SqlClient.SqlClient | QueueDriver>): Promise<Store> => {
  const runtime = ManagedRuntime.make(layer)
  // Reject with the failure itself (an HttpProblem from inside a transaction,
  // a SqlError), not a FiberFailure wrapper, so onError can map it.
  const run = async <A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient>): Promise<A> => {
    const exit = await runtime.runPromiseExit(effect)
    if (Exit.isSuccess(exit)) return exit.value
    throw Cause.squash(exit.cause)
  }
  let applied
  let queue: QueueStatements
  try {
    applied = await run(withMigrationLock(MIGRATIONS_TABLE, migrate))
    queue = await runtime.runPromise(QueueDriver)
  } catch (error) {
    await runtime.dispose()
    throw error
  }
  return {
    createdSchema: applied.some(([id]) => id === 1),
    run,
    queue,
    transaction: (effect) =>
      run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.withTransaction(effect))),
    close: () => runtime.dispose()
  }
}

/**
 * The database could not do what was asked (busy past its retry bound, a
 * dropped connection, …): an infrastructure failure, which says nothing about
 * the data. Evaluation retries what failed this way instead of judging it.
 */
export const isStoreFailure = (error: unknown): error is SqlError => error instanceof SqlError

export type SqlEffect<A> = Effect.Effect<A, SqlError, SqlClient.SqlClient>

/** JSON columns are TEXT (portable); rows read them back through `Row.Json` (Row.ts). */
export const toJson = (value: unknown): string => JSON.stringify(value ?? null)
