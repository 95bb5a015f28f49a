/**
 * `Idempotency-Key` on creating calls (Stripe's semantics): the rest of the
 * request (dedupe or the upstream call) runs once per key and caller, and
 * the key records the first attempt's outcome; a repeat with the same
 * request replays it, marked `Idempotent-Replayed: true`; the same key with
 * another request is a 409 (the store: idempotency/store.ts, in memory or
 * shared through the database). Calls without a key, and endpoints that
 * create nothing, pass straight through.
 *
 * Outcomes, by what the first attempt got:
 * - an answer that is final (2xx, 4xx but 408/429): recorded, replayed;
 * - the upstream did not act (429, 503, 408, or the request provably never
 *   reached it): nothing recorded, a repeat runs again;
 * - unknown — it may have acted, but the answer was lost (reset after
 *   sending, a 500/502/504, the deadline passed): when the upstream honours
 *   keys (the embedded backend), nothing is recorded and a repeat asks it
 *   again with the same key, which it answers exactly; otherwise the key
 *   records "outcome unknown", and a repeat gets a 409 problem
 *   (`idempotency-outcome-unknown`) naming the list to read to find out —
 *   also when the gateway that took the first request stopped mid-call
 *   (a store shared by gateways sees its claim left behind).
 *
 * The upstream is sent the key scoped to its caller (`upstreamKeyOf`), so
 * two callers choosing the same key never meet there either.
 */
import { IdempotencyKey, PROBLEM_CONTENT_TYPE, makeProblem, Route } from "@fruxkit/core"
import type { Context, MiddlewareHandler, Next } from "hono"
import type { GatewayEnv } from "../../env.js"
import { fingerprintOf, upstreamKeyOf, type IdempotencyStore, type StoredResponse } from "../../idempotency/store.js"
import type { GatewayMetrics } from "../../metrics.js"
import { invalidRequest } from "../../problem.js"
import { toResponse } from "../../proxy/exchange.js"
import { header, requestState } from "../../request-context.js"
import type { MatchedRoute } from "../../routes.js"

export interface IdempotencyOptions {
  readonly store: IdempotencyStore
  readonly metrics?: GatewayMetrics
  /** The upstream de-duplicates by the key it is sent (`Upstream.honoursIdempotencyKeys`). */
  readonly upstreamHonoursKeys?: boolean
}

export const IDEMPOTENT_REPLAY_HEADER = IdempotencyKey.REPLAYED_HEADER

const textDecoder = new TextDecoder()
const textEncoder = new TextEncoder()

/** The rest of the request answered with an error (already the response): nothing to store. */
class AnsweredWithError extends Error {}

export type Outcome = "final" | "not-acted" | "unknown"

/** What an upstream status says about whether the call acted. */
export const outcomeOfStatus = (status: number): Outcome =>
  status === 408 || status === 429 || status === 503 ? "not-acted" : status < 500 ? "final" : "unknown"

/** What a failure thrown by the rest of the request says about whether the call acted. */
export const outcomeOfError = (error: unknown): Outcome => {
  if ((error as { _tag?: unknown } | null)?._tag === "TransportError") {
    return (error as { reachedServer?: unknown }).reachedServer === false ? "not-acted" : "unknown"
  }
  // Core's typed errors from dedupe's client (and the gateway's own problems) carry the status they stand for.
  const status = (error as { status?: unknown } | null)?.status
  return typeof status === "number" && status < 500 ? "not-acted" : typeof status === "number" ? outcomeOfStatus(status) : "unknown"
}

/** What a repeat of a call whose outcome is unknown is answered: how to find out, never a second call. */
export const unknownOutcomeAnswer = (match: MatchedRoute, firstStatus: number | undefined): StoredResponse => {
  const check = match.endpoint.createdIn === undefined ? undefined : Route.buildPath(match.endpoint.createdIn, match.params)
  const problem = makeProblem(
    409,
    "idempotency-outcome-unknown",
    "Outcome unknown",
    (firstStatus === undefined
      ? "the gateway handling the first request with this Idempotency-Key stopped while its upstream call was in flight; "
      : `the first request with this Idempotency-Key reached the upstream, but its answer was lost (status ${firstStatus}); `) +
      `it may or may not have acted. ${check ? `Read GET ${check} to see whether it did; ` : ""}` +
      "send the request again with a new Idempotency-Key only if it did not",
    { ...(firstStatus === undefined ? {} : { firstStatus }), ...(check ? { check } : {}) }
  )
  return { status: 409, headers: { "content-type": PROBLEM_CONTENT_TYPE }, body: textEncoder.encode(JSON.stringify(problem)) }
}

export const idempotency = (options: IdempotencyOptions): MiddlewareHandler<GatewayEnv> => {
  const honours = options.upstreamHonoursKeys ?? false

  const once = async (c: Context<GatewayEnv>, key: string, next: Next): Promise<void> => {
    if (!IdempotencyKey.isValid(key)) {
      throw invalidRequest([{ path: "header.Idempotency-Key", message: IdempotencyKey.INVALID_KEY_MESSAGE }])
    }
    const raw = requestState(c).rawBody
    const body = raw === undefined ? undefined : JSON.parse(textDecoder.decode(raw))
    const url = new URL(c.req.url)
    // The same call with another wait is the same request.
    url.searchParams.delete("wait")
    // Scoped by caller: two API keys never see each other's stored answers.
    const principal = requestState(c).principal
    if (principal === undefined) throw new Error("idempotency runs after auth: a key is scoped by its caller")
    const scope = principal.id
    const match = requestState(c).match as MatchedRoute
    requestState(c).upstreamIdempotencyKey = upstreamKeyOf(scope, key)
    let result: { readonly response: StoredResponse; readonly replayed: boolean }
    try {
      result = await options.store.run(`${scope}\n${key}`, fingerprintOf(c.req.method, url.pathname + url.search, body), async () => {
        await next()
        const answer = requestState(c).upstreamAnswer
        const outcome = answer !== undefined ? outcomeOfStatus(answer.status) : outcomeOfError(c.error)
        if (outcome === "unknown" && !honours) return unknownOutcomeAnswer(match, answer?.status ?? c.res.status)
        // Final: stored. Not acted, or unknown where a repeat may ask again: the store keeps nothing (not final, or thrown).
        if (answer !== undefined) return answer
        throw new AnsweredWithError(c.error?.message ?? "no answer", { cause: c.error })
      }, honours ? undefined : () => unknownOutcomeAnswer(match, undefined))
    } catch (error) {
      // This request's failure is its response already; a repeat that waited on it answers the same failure.
      if (error instanceof AnsweredWithError) {
        if (c.finalized) return
        throw error.cause ?? error
      }
      throw error
    }
    if (!result.replayed) return
    options.metrics?.idempotentReplays.inc()
    requestState(c).upstreamAnswer = result.response
    c.res = toResponse(result.response, { "x-request-id": requestState(c).requestId, [IDEMPOTENT_REPLAY_HEADER]: "true" })
  }

  return function idempotency(c, next) {
    if ((requestState(c).match as MatchedRoute).endpoint.retry !== "creating") return next()
    const key = header(c, IdempotencyKey.HEADER)
    if (key === undefined) return next()
    return once(c, key, next)
  }
}
