/**
 * `Idempotency-Key` on creating calls. The first response is stored (24 h by
 * default) and replayed for a repeat with the same request; the same key
 * with a different request is a 409; a repeat that arrives while the first
 * is still running waits for it instead of calling upstream twice.
 *
 * `MemoryIdempotencyStore` serves one gateway process; with
 * FRUXKIT_DATABASE_URL every gateway on that database shares the records
 * instead (`SharedIdempotencyStore` in shared.ts).
 */
import { IdempotencyKey } from "@fruxkit/core"
import { createHash } from "node:crypto"
import { GatewayProblem } from "../problem.js"

export interface StoredResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
}

type Entry =
  | { readonly state: "running"; readonly fingerprint: string; readonly done: Promise<StoredResponse> }
  | { readonly state: "stored"; readonly fingerprint: string; readonly response: StoredResponse; readonly expiresAt: number }

export interface IdempotencyStoreOptions {
  readonly ttlMs: number
  /** Oldest entries go first past this. */
  readonly maxEntries?: number
  readonly now?: () => number
}

/** Same request ⇔ same method, path, query and JSON body (core's `IdempotencyKey.canonicalRequest`), hashed. */
export const fingerprintOf = (method: string, pathAndQuery: string, body: unknown): string =>
  createHash("sha256").update(IdempotencyKey.canonicalRequest(method, pathAndQuery, body)).digest("base64url")

/**
 * The key the upstream is sent for a caller's key: scoped to the caller (the
 * upstream sees one client, the gateway), so two callers that pick the same
 * key are two keys there too; the same on every gateway, so a repeat through
 * another gateway meets the same key upstream.
 */
export const upstreamKeyOf = (callerId: string, key: string): string =>
  `fxk1-${createHash("sha256").update(`${callerId}\n${key}`).digest("base64url")}`

export interface IdempotencyStore {
  /**
   * Run `operation` once per (scope, key). `replayed` says whether this
   * caller got a stored (or concurrently produced) answer. The same key with
   * another fingerprint is a 409 problem.
   */
  readonly run: (
    scopedKey: string,
    fingerprint: string,
    operation: () => Promise<StoredResponse>,
    /**
     * What a repeat is answered when the first request's gateway stopped
     * mid-call (its claim outlived any live call): the upstream may have
     * acted. Without it, such a key is free again after a while and the
     * repeat runs (an upstream that honours keys answers it exactly). Only a
     * store shared by gateways can see another gateway stop.
     */
    abandoned?: () => StoredResponse
  ) => Promise<{ readonly response: StoredResponse; readonly replayed: boolean }>
}

export const keyReusedProblem = () =>
  new GatewayProblem(
    409,
    "idempotency-key-reused",
    "Idempotency key reused",
    "this Idempotency-Key was already used with a different request; use a new key for a new request"
  )

/** Worth replaying: the outcome is final. 5xx, 408 and 429 say "try again", so they are not kept. */
export const isFinal = (status: number) => status < 500 && status !== 408 && status !== 429

export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>()
  private readonly now: () => number
  private readonly maxEntries: number
  private lastSweep = 0

  constructor(private readonly options: IdempotencyStoreOptions) {
    this.now = options.now ?? Date.now
    this.maxEntries = options.maxEntries ?? 100_000
  }

  get size(): number {
    return this.entries.size
  }

  async run(
    scopedKey: string,
    fingerprint: string,
    operation: () => Promise<StoredResponse>
  ): Promise<{ readonly response: StoredResponse; readonly replayed: boolean }> {
    this.sweep()
    const existing = this.entries.get(scopedKey)
    if (existing !== undefined && existing.state === "stored" && existing.expiresAt <= this.now()) {
      this.entries.delete(scopedKey)
    } else if (existing !== undefined) {
      if (existing.fingerprint !== fingerprint) {
        throw keyReusedProblem()
      }
      const response = existing.state === "stored" ? existing.response : await existing.done
      return { response, replayed: true }
    }

    let settle!: { resolve: (r: StoredResponse) => void; reject: (e: unknown) => void }
    const done = new Promise<StoredResponse>((resolve, reject) => (settle = { resolve, reject }))
    // Waiters attach their own handlers; this one only keeps an unobserved failure from being reported as unhandled.
    done.catch(() => undefined)
    this.entries.set(scopedKey, { state: "running", fingerprint, done })
    try {
      const response = await operation()
      if (isFinal(response.status)) {
        this.entries.set(scopedKey, {
          state: "stored",
          fingerprint,
          response,
          expiresAt: this.now() + this.options.ttlMs
        })
        this.evictOverflow()
      } else {
        this.entries.delete(scopedKey)
      }
      settle.resolve(response)
      return { response, replayed: false }
    } catch (error) {
      this.entries.delete(scopedKey)
      settle.reject(error)
      throw error
    }
  }

  private sweep(): void {
    const now = this.now()
    if (now - this.lastSweep < 60_000) return
    this.lastSweep = now
    for (const [key, entry] of this.entries) {
      if (entry.state === "stored" && entry.expiresAt <= now) this.entries.delete(key)
    }
  }

  private evictOverflow(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries) return
      if (entry.state === "stored") this.entries.delete(key)
    }
  }
}
