/**
 * The process's one connection to the SQLite file (better-sqlite3, synchronous), and the lock that lends it
 * to one user at a time: a statement or a whole transaction of @effect/sql's client (SqliteDatabase.ts), or an
 * operation of the evaluation queue run on the driver itself (SqliteQueue.ts). One lock for both, so a queue
 * operation never lands inside a transaction another part of the process has open.
 *
 * Busy (another process holds the write lock past `busy_timeout`) is the caller's to wait out: @effect/sql's
 * statements retry in SqliteDatabase.ts, queue operations in `use`, with the same bound and pauses.
 */
import { SqlError } from "@effect/sql/SqlError"
import Database from "better-sqlite3"

/** Prepared statements kept per connection (the API's texts are a bounded set; IN lists vary in length). */
const STATEMENT_CACHE = 200

/** SQLITE_BUSY and SQLITE_LOCKED, with their extended codes (SQLITE_BUSY_SNAPSHOT, …): another connection holds the lock. */
export const isBusyCode = (cause: unknown): boolean => {
  const code = (cause as { code?: unknown } | undefined)?.code
  return typeof code === "string" && /^SQLITE_(BUSY|LOCKED)/.test(code)
}

/** The pause before the n-th retry of a busy statement (0-based): growing from 5 ms to 200 ms, jittered. */
export const busyPause = (attempt: number): number => Math.min(200, 5 * 1.6 ** attempt) * (0.5 + Math.random())

/** How long a busy statement is retried, in all, before its error is the caller's. */
export const BUSY_RETRY_BOUND_MS = 30_000

export class SqliteConnection {
  readonly db: Database.Database
  private readonly statements = new Map<string, Database.Statement>()
  private held = false
  private readonly waiting: Array<() => void> = []

  constructor(filename: string) {
    this.db = new Database(filename)
  }

  /** The prepared statement for `source`, kept for the next use (least recently used ones dropped). */
  prepare(source: string): Database.Statement {
    let statement = this.statements.get(source)
    if (statement !== undefined) {
      // Most recently used last: Map keeps insertion order.
      this.statements.delete(source)
    } else {
      statement = this.db.prepare(source)
      if (this.statements.size >= STATEMENT_CACHE) this.statements.delete(this.statements.keys().next().value!)
    }
    this.statements.set(source, statement)
    return statement
  }

  /** Takes the lock if nobody holds it. */
  tryLock(): boolean {
    if (this.held) return false
    this.held = true
    return true
  }

  /** Calls `granted` once the lock is this caller's (at once when free); returns a function that stops waiting. */
  lock(granted: () => void): () => void {
    if (this.tryLock()) {
      granted()
      return () => {}
    }
    this.waiting.push(granted)
    return () => {
      const at = this.waiting.indexOf(granted)
      if (at >= 0) this.waiting.splice(at, 1)
    }
  }

  /** Hands the lock to the next waiter, in order of arrival. */
  unlock(): void {
    const next = this.waiting.shift()
    if (next === undefined) this.held = false
    else next()
  }

  /**
   * Runs synchronous `work` holding the lock, and again after a pause while it fails busy (for up to
   * BUSY_RETRY_BOUND_MS). `work` must leave no transaction open when it throws (a busy statement did nothing).
   * Its failures are `SqlError`s, as @effect/sql's are.
   */
  async use<A>(work: (connection: SqliteConnection) => A): Promise<A> {
    const started = Date.now()
    for (let attempt = 0; ; attempt++) {
      if (!this.tryLock()) await new Promise<void>((resolve) => this.lock(resolve))
      try {
        return work(this)
      } catch (error) {
        if (!isBusyCode(error) || Date.now() - started >= BUSY_RETRY_BOUND_MS) {
          throw new SqlError({ cause: error, message: "Failed to execute statement" })
        }
      } finally {
        this.unlock()
      }
      await new Promise((resolve) => setTimeout(resolve, busyPause(attempt)))
    }
  }

  close(): void {
    this.db.close()
  }
}
