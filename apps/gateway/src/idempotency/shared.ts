/**
 * `Idempotency-Key` records in PostgreSQL, shared by every gateway on one
 * database (`@fruxkit/local`'s shared store): a key sent to two gateways
 * behind a load balancer creates once, and both answer with the first
 * response. Of concurrent claims on any number of processes exactly one
 * runs the call; the others wait for its stored answer.
 */
import type { SharedStore } from "@fruxkit/local"
import { GatewayProblem } from "../problem.js"
import { isFinal, keyReusedProblem, type IdempotencyStore, type StoredResponse } from "./store.js"

export interface SharedIdempotencyOptions {
  /** How long a repeat waits for the first call's answer before giving up with 409. */
  readonly waitMs: number
}

export class SharedIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly shared: SharedStore,
    private readonly options: SharedIdempotencyOptions
  ) {}

  async run(
    scopedKey: string,
    fingerprint: string,
    operation: () => Promise<StoredResponse>
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
      const stored =
        claim.record.state === "stored" ? claim.record : await this.shared.awaitIdempotencyRecord(scopedKey, this.options.waitMs)
      if (stored?.response) return { response: stored.response, replayed: true }
    }
    throw new GatewayProblem(
      409,
      "idempotency-key-in-use",
      "Idempotency key in use",
      "a request with this Idempotency-Key is still running on another gateway; retry later with the same key"
    )
  }
}
