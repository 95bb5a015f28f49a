/**
 * The local backend honours `Idempotency-Key` on creating calls itself, so
 * a retry after a lost answer — a gateway killed mid-call, a reset, a
 * second gateway on the same PostgreSQL store — never creates twice:
 *
 * - the key is stored with what it created, in the create's own
 *   transaction (a handler joins it with `withKey`), with the answer;
 * - a repeat with the same request replays that answer
 *   (`Idempotent-Replayed: true`) before anything is checked or run;
 * - the same key with another request is a 409 problem
 *   (`idempotency-key-reused`), as the gateway answers;
 * - of concurrent creates under one key the second's transaction fails on
 *   the key's primary key and rolls back; it then replays the first's
 *   answer.
 *
 * Keys are scoped per tenant (the gateway forwards a key already scoped to
 * its caller) and kept 24 h. Failures are not kept: a call that failed
 * created nothing, and a retry is checked anew.
 */
import { IdempotencyKey, RequestDecoding, type Endpoint, type InProcessApi } from "@fruxkit/core"
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import { createHash } from "node:crypto"
import * as KeyedCreateRepository from "../store/KeyedCreateRepository.js"
import type { SqlEffect, Store } from "../store/Store.js"
import { EncodedJson } from "./handler-types.js"
import { HttpProblem } from "./HttpProblem.js"

export const KEY_TTL_MS = 24 * 60 * 60 * 1000
/** Expired keys are deleted at most this often per process (reads ignore them anyway). */
const SWEEP_EVERY_MS = 10 * 60 * 1000

/** What a handler is given when its creating call carries a key. */
export interface CreateKey {
  /** The key's row for the answer `value` makes: commit it in the create's own transaction. */
  readonly recordWith: (value: unknown) => SqlEffect<void>
}

/** `create`, followed by the key's row when there is a key: for one transaction. */
export const withKey = <A, E>(
  key: CreateKey | undefined,
  create: Effect.Effect<A, E, SqlClient.SqlClient>
): Effect.Effect<A, E | SqlError, SqlClient.SqlClient> =>
  key === undefined ? create : Effect.tap(create, (value) => key.recordWith(value))

/** An endpoint's success as status and JSON text ("" for no body), the same whether answered now or replayed. */
export const successAnswer = (endpoint: Endpoint.Any, value: unknown): { readonly status: number; readonly body: string } => {
  if (endpoint.success === undefined) return { status: endpoint.successStatus === 204 ? 204 : 200, body: "" }
  // Already the wire text (a large listing spliced from stored results): sent as it is.
  if (value instanceof EncodedJson) return { status: endpoint.successStatus === 201 ? 201 : 200, body: value.text }
  if (value === null && endpoint.noContentIsNull) return { status: 204, body: "" }
  return { status: endpoint.successStatus === 201 ? 201 : 200, body: JSON.stringify(RequestDecoding.encodeSuccess(endpoint, value)) }
}

/** A success as the API answers it (app.ts sends it as it is, or as a `Response` through Hono). */
export const answerOf = (answer: { readonly status: number; readonly body: string }, replayed: boolean): InProcessApi.ApiAnswer => ({
  status: answer.status,
  headers: {
    ...(answer.body === "" ? {} : { "content-type": "application/json" }),
    ...(replayed ? { [IdempotencyKey.REPLAYED_HEADER]: "true" } : {})
  },
  body: answer.body
})

const keyReused = () =>
  HttpProblem.conflict(
    "idempotency-key-reused",
    "Idempotency key reused",
    "this Idempotency-Key was already used with a different request; use a new key for a new request"
  )

export interface KeyedCreates {
  /**
   * Answer a creating call under `key`: the stored answer when the key was
   * used (409 for another request), else `create`'s (which must record the
   * key through the `CreateKey` it is given).
   */
  readonly answer: (
    request: { readonly endpoint: Endpoint.Any; readonly tenant: string; readonly key: string; readonly method: string; readonly pathAndQuery: string; readonly body: unknown },
    create: (key: CreateKey) => Promise<unknown>
  ) => Promise<InProcessApi.ApiAnswer>
}

export const makeKeyedCreates = (store: Store, options: { readonly ttlMs?: number; readonly now?: () => number } = {}): KeyedCreates => {
  const ttlMs = options.ttlMs ?? KEY_TTL_MS
  const now = options.now ?? Date.now
  let lastSweep = 0

  const replay = (found: KeyedCreateRepository.KeyedCreate, fingerprint: string): InProcessApi.ApiAnswer => {
    if (found.fingerprint !== fingerprint) throw keyReused()
    return answerOf(found, true)
  }

  return {
    answer: async (request, create) => {
      if (!IdempotencyKey.isValid(request.key)) {
        throw HttpProblem.invalid([{ path: "header.Idempotency-Key", message: IdempotencyKey.INVALID_KEY_MESSAGE }])
      }
      const started = now()
      if (started - lastSweep > SWEEP_EVERY_MS) {
        lastSweep = started
        await store.run(KeyedCreateRepository.sweep(started))
      }
      const fingerprint = createHash("sha256")
        .update(IdempotencyKey.canonicalRequest(request.method, request.pathAndQuery, request.body))
        .digest("base64url")
      const find = () => store.run(KeyedCreateRepository.find(request.tenant, request.key, now()))
      const stored = await find()
      if (stored !== undefined) return replay(stored, fingerprint)

      let recorded = false
      const recordOf = (value: unknown): KeyedCreateRepository.KeyedCreate => {
        const at = now()
        return { tenantId: request.tenant, key: request.key, fingerprint, ...successAnswer(request.endpoint, value), createdAt: at, expiresAt: at + ttlMs }
      }
      const key: CreateKey = {
        recordWith: (value) =>
          Effect.tap(
            Effect.suspend(() => KeyedCreateRepository.insert(recordOf(value))),
            () => Effect.sync(() => (recorded = true))
          )
      }
      let value: unknown
      try {
        value = await create(key)
      } catch (error) {
        // A concurrent create under the same key committed first (our insert hit its row and rolled back): answer as it did.
        const winner = await find()
        if (winner !== undefined) return replay(winner, fingerprint)
        throw error
      }
      const answer = successAnswer(request.endpoint, value)
      if (!recorded) {
        // A call that joins no transaction of ours (cancel changes a run's state, creates nothing): its key is kept after.
        await store.run(KeyedCreateRepository.insert(recordOf(value))).catch(() => undefined)
      }
      return answerOf(answer, false)
    }
  }
}
