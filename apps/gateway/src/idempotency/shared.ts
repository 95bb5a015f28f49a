/**
 * `Idempotency-Key` records in PostgreSQL, shared by every gateway on one
 * database (`@fruxkit/local`'s shared store): a key sent to two gateways
 * behind a load balancer creates once, and both answer with the first
 * response. Of concurrent claims on any number of processes exactly one
 * runs the call; the others wait for its stored answer. A gateway that stops
 * mid-call leaves its claim behind: where the upstream does not honour keys,
 * a repeat is told the outcome is unknown (the same answer as a lost one)
 * instead of being sent again once the claim expires.
 */
import type { SharedStore } from "@fruxkit/local"
import { GatewayProblem } from "../problem.js"
import { isFinal, keyReusedProblem, type IdempotencyStore, type StoredResponse } from "./store.js"

export interface SharedIdempotencyOptions {
  /** How long a repeat waits for the first call's answer before giving up with 409. */
  readonly waitMs: number
  /**
   * A claim older than this has no live gateway behind it (longer than any
   * call can run: the request deadline and the longest wait, twice over).
   * With an `abandoned` answer for the key, a repeat gets it then; main.ts
   * keeps such claims as long as answers (the shared store's `runningTtlMs`),
   * so they are not freed while a repeat could still come. Default: never.
   */
  readonly abandonedAfterMs?: number
}

export class SharedIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly shared: SharedStore,
    private readonly options: SharedIdempotencyOptions
  ) {}

  async run(
    scopedKey: string,
    fingerprint: string,
    operation: () => Promise<StoredResponse>,
    abandoned?: () => StoredResponse
  ): Promise<{ readonly response: StoredResponse; readonly replayed: boolean }> {
    // A claim released by a failed first call frees the key: the loop lets this request run it instead.
    for (let round = 0; round < 3; round++) {
      const claim = await this.shared.claim(scopedKey, fingerprint)
      if (claim.claimed) {
        let response: StoredResponse
        try {
          response = await operation()
        } catch (error) {
          await this.shared.releaseIdempotencyClaim(scopedKey, claim.token)
          throw error
        }
        if (isFinal(response.status)) await this.shared.putIdempotencyRecord(scopedKey, claim.token, response)
        else await this.shared.releaseIdempotencyClaim(scopedKey, claim.token)
        return { response, replayed: false }
      }
      if (claim.record.fingerprint !== fingerprint) throw keyReusedProblem()
      if (claim.record.state === "stored" && claim.record.response) return { response: claim.record.response, replayed: true }
      // Running: wait for its answer — until its claim is known abandoned, when that can be told.
      const abandonedAt =
        abandoned !== undefined && this.options.abandonedAfterMs !== undefined ? claim.record.createdAt + this.options.abandonedAfterMs : undefined
      const waitMs = abandonedAt === undefined ? this.options.waitMs : Math.min(this.options.waitMs, Math.max(0, abandonedAt - Date.now()))
      const stored = await this.shared.awaitIdempotencyRecord(scopedKey, waitMs)
      if (stored?.response) return { response: stored.response, replayed: true }
      if (abandonedAt !== undefined && Date.now() >= abandonedAt) {
        const now = await this.shared.getIdempotencyRecord(scopedKey)
        if (now?.state === "running" && now.createdAt === claim.record.createdAt) return { response: abandoned!(), replayed: true }
      }
    }
    throw new GatewayProblem(
      409,
      "idempotency-key-in-use",
      "Idempotency key in use",
      "a request with this Idempotency-Key is still running on another gateway; retry later with the same key"
    )
  }
}
