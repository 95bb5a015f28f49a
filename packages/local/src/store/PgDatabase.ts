/**
 * The PostgreSQL connection (`FRUXKIT_DATABASE_URL=postgres://…`): the same
 * store as SQLite, for several gateways and workers sharing one database.
 * Only connection settings live here; SQL that differs by engine is in
 * Dialect.ts.
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Reactivity from "@effect/experimental/Reactivity"
import { SqlError } from "@effect/sql/SqlError"
import pg from "pg"
import { PREPARE_ONCE, RUN_ENQUEUED_CHANNEL } from "./Dialect.js"
import { makePgQueue } from "./PgQueue.js"
import { QueueDriver } from "./QueueDriver.js"

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
  /** Connections of the queue's relaxed pool (claims, heartbeats) for a process with evaluation workers (default 2; 0: none, they use the store's pool). */
  readonly relaxedConnections?: number | undefined
}

/** A name per statement text marked PREPARE_ONCE: the same text has the same name on every connection. */
const statementNames = new Map<string, string>()
const statementName = (text: string): string => {
  let name = statementNames.get(text)
  if (name === undefined) statementNames.set(text, (name = `fruxkit_${statementNames.size + 1}`))
  return name
}

/**
 * A connection that prepares the statements marked PREPARE_ONCE (Dialect.ts: the evaluation queue's hot
 * statements) once, as named statements, and then only binds and executes them. Unnamed, PostgreSQL parses
 * and plans every statement again: for a claim or a group commit that was half the server's time per
 * judged sample. Only marked texts are named (a bounded set), so a connection never collects one prepared
 * statement per distinct API query.
 */
class PreparingClient extends pg.Client {
  /**
   * Connected, the session keeps one generic plan for its prepared statements (only those: an unnamed one is
   * always planned for its values) instead of planning again at every bind while PostgreSQL weighs custom
   * plans: a group commit's bind went from 384 to 59–88 µs. A server without the setting (before
   * PostgreSQL 12) keeps its default.
   */
  override connect(callback?: any): any {
    // Only a failed connection is a failure; a refused setting is not.
    const connected = super.connect().then(() =>
      super.query("SET plan_cache_mode = force_generic_plan").then(
        () => undefined,
        () => undefined
      )
    )
    if (callback === undefined) return connected.then(() => this)
    connected.then(() => callback(null, this), (error: Error) => callback(error))
    return undefined
  }

  override query(config: any, values?: any, callback?: any): any {
    if (typeof config === "string" && config.startsWith(PREPARE_ONCE)) {
      return super.query({ name: statementName(config), text: config, values }, callback)
    }
    return super.query(config, values, callback)
  }
}

/** A pool of PreparingClient connections, ended with the scope. */
const acquirePool = (options: {
  readonly url: string
  readonly maxConnections: number
  readonly applicationName: string
}): Effect.Effect<pg.Pool, SqlError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        const pool = new pg.Pool({
          connectionString: options.url,
          max: options.maxConnections,
          application_name: options.applicationName,
          types: { getTypeParser: parseResultValue as never },
          Client: PreparingClient
        })
        // Idle connections that fail are dropped by the pool; a query on them fails on its own.
        pool.on("error", () => undefined)
        try {
          await pool.query("SELECT 1")
        } catch (error) {
          await pool.end()
          throw error
        }
        return pool
      },
      catch: (cause) => new SqlError({ cause, message: "PgClient: Failed to connect" })
    }).pipe(
      Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => new SqlError({ cause: new Error("Connection timed out"), message: "PgClient: Connection timed out" }) })
    ),
    (pool) => Effect.promise(() => pool.end()).pipe(Effect.interruptible, Effect.timeoutOption(1000))
  )

/** The same URL, its sessions committing without waiting for the WAL flush (libpq's `options`). */
const withoutSynchronousCommit = (url: string): string => {
  const parsed = new URL(url)
  parsed.searchParams.set("options", `${parsed.searchParams.get("options") ?? ""} -c synchronous_commit=off`.trim())
  return parsed.toString()
}

/**
 * The store's pool as `SqlClient` (a PgClient over it), and the queue's hot statements (QueueDriver, PgQueue.ts)
 * on that pool and, unless `relaxedConnections: 0`, on a second small pool whose sessions commit without waiting
 * for the WAL flush (claims and heartbeats).
 */
export const layer = (url: string, options: PgOptions = {}): Layer.Layer<SqlClient.SqlClient | QueueDriver> =>
  Layer.scopedContext(
    Effect.gen(function* () {
      const pool = yield* acquirePool({ url, maxConnections: options.maxConnections ?? 10, applicationName: "fruxkit-local" })
      const client = yield* PgClient.fromPool({ acquire: Effect.succeed(pool), applicationName: "fruxkit-local" })
      const relaxedConnections = options.relaxedConnections ?? 2
      const relaxed =
        relaxedConnections === 0
          ? pool
          : yield* acquirePool({ url: withoutSynchronousCommit(url), maxConnections: relaxedConnections, applicationName: "fruxkit-local-queue" })
      return Context.make(PgClient.PgClient, client).pipe(Context.add(SqlClient.SqlClient, client), Context.add(QueueDriver, makePgQueue(pool, relaxed)))
    })
  ).pipe(Layer.provide(Reactivity.layer), Layer.orDie)

/**
 * Calls `onEnqueued` whenever any process stores a persisted run on this
 * database (Dialect.announceRunEnqueued), over one dedicated connection
 * (listenOn: in place when it resolves, listening again after a lost
 * connection). Resolves to a stop function.
 */
export const listenForEnqueuedRuns = (url: string, onEnqueued: () => void): Promise<() => Promise<void>> =>
  listenOn(url, RUN_ENQUEUED_CHANNEL, onEnqueued)

/** After a lost or refused listening connection, the next attempt waits this long. */
const RELISTEN_MS = 1_000

/**
 * Calls `onNotice(payload)` for every NOTIFY on `channel`, over one dedicated connection. Resolves once its
 * LISTEN is in place, so a process that then says it is ready hears what is announced after (or once the
 * first attempt failed: listening is best effort, the workers' poll still finds runs). A connection that is
 * lost — the server restarted, the session was terminated, a dead peer found by TCP keepalive — is replaced
 * every RELISTEN_MS until one listens again; what was announced meanwhile is missed, which the poll covers.
 * Resolves to a stop function.
 */
export const listenOn = async (url: string, channel: string, onNotice: (payload: string) => void): Promise<() => Promise<void>> => {
  let current: pg.Client | undefined
  let retry: NodeJS.Timeout | undefined
  let stopped = false
  const listenAgainLater = () => {
    if (stopped || retry !== undefined) return
    retry = setTimeout(() => {
      retry = undefined
      void listen()
    }, RELISTEN_MS)
    retry.unref()
  }
  const listen = async (): Promise<void> => {
    // Bounded, as the store's own connect is: a process's start waits for this attempt.
    const client = new pg.Client({
      connectionString: url,
      application_name: "fruxkit-local-listener",
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000
    })
    current = client
    let lost = false
    // A broken connection says so with 'error', 'end' or both: either way once, and a new one listens.
    const lose = () => {
      if (lost) return
      lost = true
      if (current === client) current = undefined
      client.end().catch(() => undefined)
      listenAgainLater()
    }
    client.on("error", lose)
    client.on("end", lose)
    client.on("notification", (message) => {
      if (message.channel === channel && message.payload) onNotice(message.payload)
    })
    try {
      await client.connect()
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`)
    } catch {
      lose()
    }
  }
  await listen()
  return async () => {
    stopped = true
    if (retry !== undefined) clearTimeout(retry)
    const client = current
    current = undefined
    await client?.end().catch(() => undefined)
  }
}
