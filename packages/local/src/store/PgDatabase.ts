/**
 * The PostgreSQL connection (`FRUXKIT_DATABASE_URL=postgres://…`): the same
 * store as SQLite, for several gateways and workers sharing one database.
 * Only connection settings live here; SQL that differs by engine is in
 * Dialect.ts.
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as Reactivity from "@effect/experimental/Reactivity"
import { RelaxedSql, RUN_ENQUEUED_CHANNEL } from "./Dialect.js"

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
  /** Connections of the RelaxedSql pool, for a process with evaluation workers (default 2; 0: none). */
  readonly relaxedConnections?: number | undefined
}

/** The same URL, its sessions committing without waiting for the WAL flush (libpq's `options`). */
const withoutSynchronousCommit = (url: string): string => {
  const parsed = new URL(url)
  parsed.searchParams.set("options", `${parsed.searchParams.get("options") ?? ""} -c synchronous_commit=off`.trim())
  return parsed.toString()
}

/**
 * The store's pool, plus (unless `relaxedConnections: 0`) the RelaxedSql pool for the queue's bookkeeping
 * (Dialect.withoutFlush: claims, heartbeats, progress), whose sessions commit without waiting for the
 * WAL flush.
 */
export const layer = (url: string, options: PgOptions = {}): Layer.Layer<SqlClient.SqlClient> => {
  const config = { types: { getTypeParser: parseResultValue as never } }
  const main = PgClient.layer({ ...config, url: Redacted.make(url), maxConnections: options.maxConnections ?? 10, applicationName: "fruxkit-local" })
  const relaxedConnections = options.relaxedConnections ?? 2
  if (relaxedConnections === 0) return main.pipe(Layer.orDie)
  const relaxed = Layer.scoped(
    RelaxedSql,
    PgClient.make({
      ...config,
      url: Redacted.make(withoutSynchronousCommit(url)),
      maxConnections: relaxedConnections,
      applicationName: "fruxkit-local-queue"
    })
  ).pipe(Layer.provide(Reactivity.layer))
  return Layer.merge(main, relaxed).pipe(Layer.orDie)
}

/**
 * Calls `onEnqueued` whenever any process stores a persisted run on this
 * database (Dialect.announceRunEnqueued), over one dedicated connection.
 * Best effort: while the connection is down the workers' poll still finds
 * runs, and it listens again every second. Resolves to a stop function.
 */
export const listenForEnqueuedRuns = (url: string, onEnqueued: () => void): Promise<() => Promise<void>> =>
  listenOn(url, RUN_ENQUEUED_CHANNEL, onEnqueued)

/** Calls `onNotice(payload)` for every NOTIFY on `channel`, over one dedicated connection (best effort, as above). */
export const listenOn = async (url: string, channel: string, onNotice: (payload: string) => void): Promise<() => Promise<void>> => {
  const runtime = ManagedRuntime.make(
    PgClient.layer({ url: Redacted.make(url), maxConnections: 1, applicationName: "fruxkit-local-listener" })
  )
  const listening = Effect.flatMap(PgClient.PgClient, (client) =>
    Stream.runForEach(client.listen(channel), (payload) => Effect.sync(() => onNotice(payload)))
  ).pipe(Effect.retry(Schedule.spaced("1 second")), Effect.catchAllCause(() => Effect.void))
  const fiber = runtime.runFork(listening)
  return async () => {
    await Effect.runPromise(Fiber.interrupt(fiber))
    await runtime.dispose()
  }
}
