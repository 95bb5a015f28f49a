/**
 * What several gateways behind a load balancer share through the backend's
 * PostgreSQL database: `Idempotency-Key` records, so a repeated key sent to
 * another gateway replays the first answer instead of creating twice.
 *
 *   const shared = await openSharedStore(process.env.FRUXKIT_DATABASE_URL!)
 *   const claim = await shared.claim(scopedKey, fingerprint)
 *   if (claim.claimed) {
 *     try { response = await callUpstream() } catch (e) { await shared.releaseIdempotencyClaim(scopedKey, claim.token); throw e }
 *     if (isFinal(response.status)) await shared.putIdempotencyRecord(scopedKey, claim.token, response)
 *     else await shared.releaseIdempotencyClaim(scopedKey, claim.token)
 *   } else if (claim.record.fingerprint !== fingerprint) { 409 }
 *   else { response = (await shared.awaitIdempotencyRecord(scopedKey, 30_000))?.response }
 *
 * First writer wins: of concurrent claims of one key on any number of
 * processes exactly one gets `claimed: true`. Stored answers expire after
 * 24 h (`ttlMs`); a claim nobody completes (its gateway died) expires after
 * `runningTtlMs` (default 60 s), and the key is free again.
 */
import { randomUUID } from "node:crypto"
import * as IdempotencyRepository from "./store/IdempotencyRepository.js"
import type { IdempotencyRecord, StoredResponse } from "./store/IdempotencyRepository.js"
import * as RateLimitRepository from "./store/RateLimitRepository.js"
import * as Store from "./store/Store.js"

export type { IdempotencyRecord, StoredResponse }

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000
const RUNNING_TTL_MS = 60_000
/** Expired rows are deleted at most this often per process (reads ignore them anyway). */
const SWEEP_EVERY_MS = 60_000
const AWAIT_POLL_MS = 50
/** A key that other callers keep claiming and releasing between our insert and our read (a retry storm). */
const CLAIM_ATTEMPTS = 5

export type IdempotencyClaim =
  | { readonly claimed: true; readonly token: string }
  | { readonly claimed: false; readonly record: IdempotencyRecord }

export interface SharedStoreOptions {
  /** How long a stored answer is replayed (default 24 h). */
  readonly ttlMs?: number | undefined
  /** How long a claim without an answer holds its key (default 60 s): longer than the slowest creating call. */
  readonly runningTtlMs?: number | undefined
  /** Connections this process may open (default 4). */
  readonly maxConnections?: number | undefined
  readonly now?: (() => number) | undefined
}

export interface SharedStore {
  /** The live record of a key (running or stored), or undefined when there is none or it expired. */
  readonly getIdempotencyRecord: (scopedKey: string) => Promise<IdempotencyRecord | undefined>
  /** Claims a key for this request: `claimed: true` with a token for exactly one caller, the existing record for the others. */
  readonly claim: (scopedKey: string, fingerprint: string) => Promise<IdempotencyClaim>
  /** Stores the claimer's final answer (replayed for `ttlMs`); `false` when the claim had expired and was lost. */
  readonly putIdempotencyRecord: (scopedKey: string, token: string, response: StoredResponse) => Promise<boolean>
  /** Frees a claimed key without an answer (the call failed or its outcome is not final), so a retry can run. */
  readonly releaseIdempotencyClaim: (scopedKey: string, token: string) => Promise<void>
  /** Waits for a running record to be stored; undefined when it was released, expired, or `timeoutMs` passed. */
  readonly awaitIdempotencyRecord: (scopedKey: string, timeoutMs: number) => Promise<IdempotencyRecord | undefined>
  /**
   * Take a token from the bucket of `key` (`perSecond` refill, `burst`
   * capacity), shared by every process on the database: 0 when taken, else
   * the seconds until one is free.
   */
  readonly takeRateLimitToken: (key: string, perSecond: number, burst: number) => Promise<number>
  readonly close: () => Promise<void>
}

export const openSharedStore = async (databaseUrl: string, options: SharedStoreOptions = {}): Promise<SharedStore> => {
  // Loaded here, not at import: @fruxkit/local's index exports this, and a SQLite-only start must not load pg.
  const PgDatabase = await import("./store/PgDatabase.js")
  if (!PgDatabase.isDatabaseUrl(databaseUrl)) throw new Error("openSharedStore: databaseUrl must start with postgres:// or postgresql://")
  const ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS
  const runningTtlMs = options.runningTtlMs ?? RUNNING_TTL_MS
  const now = options.now ?? Date.now
  const store = await Store.open(PgDatabase.layer(databaseUrl, { maxConnections: options.maxConnections ?? 4, relaxedConnections: 0 }))
  let lastSweep = 0
  const getIdempotencyRecord = (scopedKey: string) => store.run(IdempotencyRepository.find(scopedKey, now()))
  return {
    getIdempotencyRecord,
    claim: async (scopedKey, fingerprint) => {
      const at = now()
      if (at - lastSweep > SWEEP_EVERY_MS) {
        lastSweep = at
        await store.run(IdempotencyRepository.sweep(at))
      }
      const token = randomUUID()
      for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
        const claimed = await store.transaction(IdempotencyRepository.claim(scopedKey, fingerprint, token, at, at + runningTtlMs))
        if (claimed) return { claimed: true, token }
        const record = await getIdempotencyRecord(scopedKey)
        // The winner released or expired between our insert and our read: try again.
        if (record) return { claimed: false, record }
      }
      throw new Error(`openSharedStore: key ${JSON.stringify(scopedKey)} was claimed and released ${CLAIM_ATTEMPTS} times in a row`)
    },
    putIdempotencyRecord: (scopedKey, token, response) =>
      store.run(IdempotencyRepository.complete(scopedKey, token, response, now() + ttlMs)),
    releaseIdempotencyClaim: (scopedKey, token) => store.run(IdempotencyRepository.release(scopedKey, token)),
    awaitIdempotencyRecord: async (scopedKey, timeoutMs) => {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const record = await getIdempotencyRecord(scopedKey)
        if (record === undefined || record.state === "stored") return record
        if (Date.now() >= deadline) return undefined
        await new Promise((resolve) => setTimeout(resolve, AWAIT_POLL_MS))
      }
    },
    takeRateLimitToken: (key, perSecond, burst) => {
      if (!(perSecond > 0) || !(burst >= 1)) throw new Error("takeRateLimitToken: perSecond must be > 0 and burst ≥ 1")
      return store.run(RateLimitRepository.take(key, perSecond, burst, now()))
    },
    close: () => store.close()
  }
}
