/**
 * The /v1 handler: every endpoint of the table is forwarded as is, except
 * the gateway's extensions — `?wait=` on `:evaluate` and GET run, the run's
 * event stream, and `?dedupe=true` on `:addToDatasets`. Creating calls with
 * an `Idempotency-Key` run through the idempotency store first.
 */
import * as Schema from "effect/Schema"
import { Context } from "hono"
import { EvaluationRun, Endpoints, Route, type AddToDatasetsRequest, type PromiseClient } from "@fruxkit/core"
import { addToDatasetsDeduped, SKIPPED_HEADER } from "../dedupe/add-to-datasets.js"
import { jsonAnswer, type Answer, type HandlerResult } from "../answer.js"
import type { ApiContext } from "../env.js"
import { fingerprintOf, VALID_KEY, type IdempotencyStore, type StoredResponse } from "../idempotency/store.js"
import type { GatewayMetrics } from "../metrics.js"
import { requestIdHeader } from "../middleware/request-id/index.js"
import { header, headerReader, requestLog } from "../request-context.js"
import { externalConfigSecrets, makeJsonScrubber } from "../secrets.js"
import { GatewayProblem, invalidRequest } from "../problem.js"
import type { MatchedRoute } from "../routes.js"
import type { EventStreams } from "../waiting/run-events.js"
import { runEvents } from "../waiting/run-events.js"
import type { RunKey, RunWatchers } from "../waiting/run-watchers.js"
import { waitForRun } from "../waiting/wait-for-run.js"
import { clientAnswer, upstreamRequest } from "./exchange.js"
import type { Forwarder } from "./forward.js"

export interface ApiHandlerOptions {
  readonly forward: Forwarder
  readonly client: PromiseClient
  readonly idempotency: IdempotencyStore
  readonly watchers: RunWatchers
  readonly streams: EventStreams
  readonly metrics: GatewayMetrics
  readonly requestTimeoutMs: number
}

const IDEMPOTENT_REPLAY_HEADER = "idempotent-replayed"
const WAIT_OUTCOME_HEADER = "fruxkit-wait"

const decodeRun = Schema.decodeUnknownSync(EvaluationRun, { onExcessProperty: "ignore" })
const textDecoder = new TextDecoder()
const textEncoder = new TextEncoder()

/** `"v"`, `W/"v"` or `v` → `v`. */
const entityTag = (header: string | undefined): string | undefined =>
  header === undefined ? undefined : header.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1") || undefined

export const apiHandler = (options: ApiHandlerOptions) => {
  const { forward, idempotency, watchers, metrics } = options

  /** Forward the request as the client sent it (validated), returning the upstream's answer. */
  const forwardAsIs = (c: ApiContext, match: MatchedRoute): Promise<StoredResponse> =>
    forward(
      match.endpoint,
      upstreamRequest({
        match,
        url: c.req.url,
        header: headerReader(c),
        requestId: c.get("requestId"),
        body: c.get("rawBody"),
        signal: c.get("signal")
      }),
      { log: () => requestLog(c) }
    )

  /** Run a creating call once per Idempotency-Key (when the client sent one). */
  const once = async (
    c: ApiContext,
    match: MatchedRoute,
    operation: () => Promise<StoredResponse>
  ): Promise<{ response: StoredResponse; replayed: boolean }> => {
    const key = header(c, "idempotency-key")
    if (key === undefined || match.endpoint.retry !== "creating") return { response: await operation(), replayed: false }
    if (!VALID_KEY.test(key)) {
      throw invalidRequest([{ path: "header.Idempotency-Key", message: "must be 1-255 printable characters without spaces" }])
    }
    const raw = c.get("rawBody")
    const body = raw === undefined ? undefined : JSON.parse(textDecoder.decode(raw))
    const url = new URL(c.req.url)
    url.searchParams.delete("wait")
    // Scoped by caller: two API keys never see each other's stored answers.
    const scoped = `${c.get("principal").id}\n${key}`
    const result = await idempotency.run(scoped, fingerprintOf(c.req.method, url.pathname + url.search, body), operation)
    if (result.replayed) metrics.idempotentReplays.inc()
    return result
  }

  const answer = (
    c: ApiContext,
    result: { response: StoredResponse; replayed: boolean },
    extra?: Record<string, string>
  ): Answer => {
    if (result.response.status === 401) {
      // The client's key was accepted here; an upstream 401 is about the gateway's own token.
      throw new GatewayProblem(502, "upstream-unauthorized", "Bad gateway", "the upstream refused the gateway's credentials")
    }
    const headers: Record<string, string> = { "x-request-id": c.get("requestId") }
    if (extra !== undefined) Object.assign(headers, extra)
    if (result.replayed) headers[IDEMPOTENT_REPLAY_HEADER] = "true"
    return clientAnswer(result.response, headers)
  }

  const runKey = (c: ApiContext, evaluationRun: string): RunKey => {
    const path = c.get("decoded").path
    return { tenant: String(path.tenant), agent: String(path.agent), evaluationRun }
  }

  const runLocation = (key: RunKey) => Route.buildPath(Endpoints.getEvaluationRun.path, { ...key })

  /**
   * The answer for a request forwarded as it is — no extension (wait, event
   * stream, dedupe; `:evaluate` has its answer scrubbed), no Idempotency-Key —
   * or undefined for any other. Most requests are this; their only wait is
   * the upstream call.
   */
  const plain = (c: ApiContext): Promise<Answer> | undefined => {
    const match = c.get("match") as MatchedRoute
    switch (match.endpoint.name) {
      case "evaluationRunEvents":
      case "evaluate":
        return undefined
      case "getEvaluationRun": {
        const waitMs = c.get("waitMs")
        if (waitMs !== undefined && waitMs > 0) return undefined
        break
      }
      case "addToDatasets":
        if (c.get("dedupe")) return undefined
        break
    }
    if (match.endpoint.retry === "creating" && header(c, "idempotency-key") !== undefined) return undefined
    return forwardAsIs(c, match).then((response) => answer(c, { response, replayed: false }))
  }

  const api = async function api(c: ApiContext): Promise<HandlerResult> {
    const match = c.get("match") as MatchedRoute
    const waitMs = c.get("waitMs")

    switch (match.endpoint.name) {
      case "evaluationRunEvents": {
        // A stream that follows the client's connection: Hono's SSE (serve.ts hands event streams to the Hono app).
        if (!(c instanceof Context)) throw new Error("a run's event stream is served through the Hono app")
        const key = runKey(c, String(c.get("decoded").path.evaluationRun))
        // streamSSE builds its response through the context, which applies headers set here.
        c.header("x-request-id", c.get("requestId"))
        return runEvents(c, {
          watchers,
          streams: options.streams,
          key,
          lastEventId: header(c, "last-event-id"),
          firstSnapshotTimeoutMs: options.requestTimeoutMs,
          metrics,
          onStreamError: (error) => requestLog(c).error({ err: { message: (error as Error).message } }, "event stream failed")
        })
      }

      case "getEvaluationRun": {
        if (waitMs === undefined || waitMs <= 0) break
        const key = runKey(c, String(c.get("decoded").path.evaluationRun))
        const result = await waitForRun(watchers, key, {
          until: "change",
          baseline: entityTag(header(c, "if-none-match")),
          waitMs,
          signal: c.get("signal")
        })
        return jsonAnswer(200, result.snapshot.json, {
          ...requestIdHeader(c),
          etag: `"${result.snapshot.version}"`,
          [WAIT_OUTCOME_HEADER]: result.snapshot.terminal ? "finished" : result.reached ? "changed" : "timeout"
        })
      }

      case "evaluate": {
        // An external candidate's secrets must not come back in any answer, even if the upstream echoed them.
        const scrub = makeJsonScrubber(externalConfigSecrets(c.get("decoded").body))
        const started = await once(c, match, async () => {
          const response = await forwardAsIs(c, match)
          const text = textDecoder.decode(response.body)
          const clean = scrub(text)
          return clean === text ? response : { ...response, body: textEncoder.encode(clean) }
        })
        if (waitMs === undefined || waitMs <= 0 || started.response.status !== 200) return answer(c, started)
        let run: EvaluationRun
        try {
          run = decodeRun(JSON.parse(textDecoder.decode(started.response.body)))
        } catch {
          return answer(c, started)
        }
        const key = runKey(c, run.id)
        const location = runLocation(key)
        const result = await waitForRun(watchers, key, { until: "terminal", waitMs, initial: run, signal: c.get("signal") })
        const headers: Record<string, string> = { ...requestIdHeader(c), location, etag: `"${result.snapshot.version}"` }
        if (started.replayed) headers[IDEMPOTENT_REPLAY_HEADER] = "true"
        return result.snapshot.terminal
          ? jsonAnswer(200, scrub(result.snapshot.json), { ...headers, [WAIT_OUTCOME_HEADER]: "finished" })
          : jsonAnswer(202, scrub(result.snapshot.json), { ...headers, [WAIT_OUTCOME_HEADER]: "timeout" })
      }

      case "addToDatasets": {
        if (!c.get("dedupe")) break
        const decoded = c.get("decoded")
        const result = await once(c, match, () =>
          addToDatasetsDeduped(
            options.client,
            {
              tenant: String(decoded.path.tenant),
              agent: String(decoded.path.agent),
              executionRecord: String(decoded.path.executionRecord),
              body: decoded.body as AddToDatasetsRequest | undefined
            },
            c.get("signal")
          )
        )
        return answer(c, result, { [SKIPPED_HEADER]: result.response.headers[SKIPPED_HEADER] ?? "" })
      }
    }
    // No Idempotency-Key to honour: no detour through the store.
    if (match.endpoint.retry !== "creating" || header(c, "idempotency-key") === undefined) {
      return answer(c, { response: await forwardAsIs(c, match), replayed: false })
    }
    return answer(c, await once(c, match, () => forwardAsIs(c, match)))
  }

  return { api, plain }
}
