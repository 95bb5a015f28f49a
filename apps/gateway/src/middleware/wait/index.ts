/**
 * `?wait=` through the shared run pollers (waiting/run-watchers.ts): on a
 * run's GET, long-poll until its status or progress changes (from the
 * client's `If-None-Match`, else from now); on a call that starts a run
 * (`:evaluate`), make the call, then wait until the run ends — 200 with
 * the finished run, or 202 with its state and `Location` when the wait runs
 * out. Answers carry the run's version as `ETag` and `Fruxkit-Wait:
 * changed | timeout | finished`. Without `?wait`, nothing happens here.
 */
import * as Schema from "effect/Schema"
import type { Context, MiddlewareHandler, Next } from "hono"
import { EvaluationRun, Endpoints, Route, Secrets } from "@fruxkit/core"
import type { GatewayEnv } from "../../env.js"
import { requestSecrets } from "../../proxy/body-secrets.js"
import { header, requestState } from "../../request-context.js"
import type { MatchedRoute } from "../../routes.js"
import { keyString, type RunKey, type RunWatchers } from "../../waiting/run-watchers.js"
import type { UpstreamRunBodies } from "../../waiting/upstream-run-bodies.js"
import { waitForRun } from "../../waiting/wait-for-run.js"
import { IDEMPOTENT_REPLAY_HEADER } from "../idempotency/index.js"
import { requestIdHeader } from "../request-id/index.js"

export interface WaitOptions {
  readonly watchers: RunWatchers
  /** Where the run `:evaluate` answered is recorded as sent, so the answer keeps fields core does not know. */
  readonly upstreamBodies?: UpstreamRunBodies
}

export const WAIT_OUTCOME_HEADER = "fruxkit-wait"

const decodeRun = Schema.decodeUnknownSync(EvaluationRun, { onExcessProperty: "ignore" })
const textDecoder = new TextDecoder()

/** `"v"`, `W/"v"` or `v` → `v`. */
const entityTag = (value: string | undefined): string | undefined =>
  value === undefined ? undefined : value.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1") || undefined

const runKey = (c: Context<GatewayEnv>, evaluationRun: string): RunKey => {
  const path = requestState(c).decoded.path
  return { tenant: String(path.tenant), agent: String(path.agent), evaluationRun }
}

const json = (body: string, status: number, headers: Record<string, string>) =>
  new Response(body, { status, headers: { "content-type": "application/json", ...headers } })

export const wait = (options: WaitOptions): MiddlewareHandler<GatewayEnv> => {
  const { watchers } = options

  /** A run's GET: until it differs from the state the client has. */
  const untilChanged = async (c: Context<GatewayEnv>, waitMs: number): Promise<Response> => {
    const key = runKey(c, String(requestState(c).decoded.path.evaluationRun))
    const result = await waitForRun(watchers, key, {
      until: "change",
      baseline: entityTag(header(c, "if-none-match")),
      waitMs,
      signal: requestState(c).signal
    })
    return json(result.snapshot.json, 200, {
      ...requestIdHeader(c),
      etag: `"${result.snapshot.version}"`,
      [WAIT_OUTCOME_HEADER]: result.snapshot.terminal ? "finished" : result.reached ? "changed" : "timeout"
    })
  }

  /** A call that starts a run: the call, then until the run ends. */
  const untilFinished = async (c: Context<GatewayEnv>, waitMs: number, next: Next): Promise<void> => {
    await next()
    const started = requestState(c).upstreamAnswer
    if (started === undefined || started.status !== 200) return
    // An external candidate's secrets must not come back in any answer, even if the upstream echoed them.
    const scrub = Secrets.jsonValueRedactor(requestSecrets((requestState(c).match as MatchedRoute).endpoint, requestState(c).decoded))
    let run: EvaluationRun
    let body: unknown
    try {
      body = JSON.parse(scrub(textDecoder.decode(started.body)))
      run = decodeRun(body)
    } catch {
      return
    }
    const key = runKey(c, run.id)
    // Kept for the run's snapshots (these answers, streams and long-polls on it), scrubbed as above.
    options.upstreamBodies?.record(keyString(key), body)
    const result = await waitForRun(watchers, key, { until: "terminal", waitMs, initial: run, signal: requestState(c).signal })
    const headers: Record<string, string> = {
      ...requestIdHeader(c),
      location: Route.buildPath(Endpoints.getEvaluationRun.path, { ...key }),
      etag: `"${result.snapshot.version}"`,
      [WAIT_OUTCOME_HEADER]: result.snapshot.terminal ? "finished" : "timeout"
    }
    if (c.res.headers.get(IDEMPOTENT_REPLAY_HEADER) === "true") headers[IDEMPOTENT_REPLAY_HEADER] = "true"
    // Unset first: Hono would otherwise copy the call's headers over the new ones.
    c.res = undefined
    c.res = json(scrub(result.snapshot.json), result.snapshot.terminal ? 200 : 202, headers)
  }

  return function wait(c, next) {
    const waitMs = requestState(c).waitMs
    if (waitMs === undefined || waitMs <= 0) return next()
    return c.req.method === "GET" ? untilChanged(c, waitMs) : untilFinished(c, waitMs, next)
  }
}
