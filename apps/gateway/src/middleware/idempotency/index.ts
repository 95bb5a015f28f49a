/**
 * `Idempotency-Key` on creating calls: the rest of the request (dedupe or
 * the upstream call) runs once per key and caller; a repeat with the same
 * request gets the stored answer, marked `Idempotent-Replayed: true`; the
 * same key with another request is a 409 (the store: idempotency/store.ts,
 * in memory or shared through the database). Calls without a key, and
 * endpoints that create nothing, pass straight through.
 */
import type { Context, MiddlewareHandler, Next } from "hono"
import type { GatewayEnv } from "../../env.js"
import { fingerprintOf, VALID_KEY, type IdempotencyStore, type StoredResponse } from "../../idempotency/store.js"
import type { GatewayMetrics } from "../../metrics.js"
import { invalidRequest } from "../../problem.js"
import { toResponse } from "../../proxy/exchange.js"
import { header } from "../../request-context.js"
import type { MatchedRoute } from "../../routes.js"

export interface IdempotencyOptions {
  readonly store: IdempotencyStore
  readonly metrics?: GatewayMetrics
}

export const IDEMPOTENT_REPLAY_HEADER = "idempotent-replayed"

const textDecoder = new TextDecoder()

/** The rest of the request answered with an error (already the response): nothing to store. */
class AnsweredWithError extends Error {}

export const idempotency = (options: IdempotencyOptions): MiddlewareHandler<GatewayEnv> => {
  const once = async (c: Context<GatewayEnv>, key: string, next: Next): Promise<void> => {
    if (!VALID_KEY.test(key)) {
      throw invalidRequest([{ path: "header.Idempotency-Key", message: "must be 1-255 printable characters without spaces" }])
    }
    const raw = c.get("rawBody")
    const body = raw === undefined ? undefined : JSON.parse(textDecoder.decode(raw))
    const url = new URL(c.req.url)
    // The same call with another wait is the same request.
    url.searchParams.delete("wait")
    // Scoped by caller: two API keys never see each other's stored answers.
    const scoped = `${c.get("principal").id}\n${key}`
    let result: { readonly response: StoredResponse; readonly replayed: boolean }
    try {
      result = await options.store.run(scoped, fingerprintOf(c.req.method, url.pathname + url.search, body), async () => {
        await next()
        const answer = c.get("upstreamAnswer")
        // A failure was answered by onError; it is not stored, and a concurrent repeat gets the same failure.
        if (answer === undefined) throw new AnsweredWithError(c.error?.message ?? "no answer", { cause: c.error })
        return answer
      })
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
    c.set("upstreamAnswer", result.response)
    c.res = toResponse(result.response, { "x-request-id": c.get("requestId"), [IDEMPOTENT_REPLAY_HEADER]: "true" })
  }

  return function idempotency(c, next) {
    if ((c.get("match") as MatchedRoute).endpoint.retry !== "creating") return next()
    const key = header(c, "idempotency-key")
    if (key === undefined) return next()
    return once(c, key, next)
  }
}
