/**
 * The gateway's own errors. Handlers and middleware throw a `GatewayProblem`;
 * the one `onError` (middleware/problem-json) turns it (or anything else) into
 * application/problem+json. No handler formats its own error body.
 */
import * as Duration from "effect/Duration"
import type { ErrorHandler, NotFoundHandler } from "hono"
import { HTTPException } from "hono/http-exception"
import type { Logger } from "pino"
import { makeProblem, PROBLEM_CONTENT_TYPE, type FieldError, type ProblemDetails } from "@fruxkit/core"
import type { GatewayEnv } from "./env.js"
import { requestLog } from "./request-context.js"

export class GatewayProblem extends Error {
  override readonly name = "GatewayProblem"
  constructor(
    readonly status: number,
    /** The problem type's suffix, e.g. `rate-limited` → https://fruxkit.dev/problems/rate-limited. */
    readonly kind: string,
    readonly title: string,
    readonly detail?: string,
    readonly extensions?: Readonly<Record<string, unknown>>,
    readonly headers?: Readonly<Record<string, string>>
  ) {
    super(detail ? `${title}: ${detail}` : title)
  }

  toProblem(instance?: string): ProblemDetails {
    return makeProblem(this.status, this.kind, this.title, this.detail, {
      ...this.extensions,
      ...(instance !== undefined ? { instance } : {})
    })
  }

  /** The problem+json response; `headers` (the request id) are added to the problem's own (Retry-After, Allow). */
  toResponse(instance?: string, headers?: Readonly<Record<string, string>>): Response {
    return new Response(JSON.stringify(this.toProblem(instance)), {
      status: this.status,
      headers: { ...this.headers, ...headers, "content-type": PROBLEM_CONTENT_TYPE }
    })
  }
}

export const invalidRequest = (errors: ReadonlyArray<FieldError>, detail = "the request does not match the API contract") =>
  new GatewayProblem(400, "invalid-request", "Invalid request", detail, { errors })

export const notFound = (detail: string) => new GatewayProblem(404, "not-found", "Not found", detail)

export const retryAfterHeader = (seconds: number): Record<string, string> => ({
  "retry-after": String(Math.max(1, Math.ceil(seconds)))
})

const upstreamDetail = (error: { readonly problem?: ProblemDetails | undefined }): string | undefined =>
  error.problem?.detail ?? error.problem?.title

/**
 * Any failure as the problem a client gets. Core's typed errors (from the
 * shared pollers and dedupe, which go through core's client) keep their
 * meaning; an upstream 401 is the gateway's own credential failing, so the
 * client sees a 502, not an invitation to change its key.
 */
export const toGatewayProblem = (error: unknown): GatewayProblem => {
  if (error instanceof GatewayProblem) return error
  const tag = (error as { _tag?: unknown } | null)?._tag
  const e = error as Record<string, any>
  switch (tag) {
    case "InvalidRequest":
      return new GatewayProblem(400, "invalid-request", "Invalid request", upstreamDetail(e), { errors: e.errors ?? [] })
    case "NotFound":
      return new GatewayProblem(404, "not-found", "Not found", upstreamDetail(e))
    case "Forbidden":
      return new GatewayProblem(403, "forbidden", "Forbidden", upstreamDetail(e))
    case "Conflict":
    case "StaleDraft":
      return new GatewayProblem(e.status ?? 409, tag === "StaleDraft" ? "stale-draft" : "conflict", "Conflict", upstreamDetail(e))
    case "Unauthorized":
      return new GatewayProblem(502, "upstream-unauthorized", "Bad gateway", "the upstream refused the gateway's credentials")
    case "RateLimited":
      return new GatewayProblem(429, "rate-limited", "Too many requests", "the upstream is rate limiting", undefined,
        retryAfterHeader(e.retryAfter ? Duration.toSeconds(e.retryAfter) : 1))
    case "Unavailable":
      return new GatewayProblem(503, "upstream-unavailable", "Upstream unavailable", upstreamDetail(e), undefined, retryAfterHeader(1))
    case "RequestTimeout":
    case "EvaluationRunTimeout":
      return new GatewayProblem(504, "gateway-timeout", "Gateway timeout", "the upstream did not answer in time")
    case "TransportError":
      return new GatewayProblem(502, "upstream-unreachable", "Bad gateway", `the upstream connection failed${e.code ? ` (${e.code})` : ""}`)
    case "ResponseDecodeError":
      return new GatewayProblem(502, "upstream-invalid-response", "Bad gateway", "the upstream answered outside the contract", {
        errors: e.errors ?? []
      })
    case "ServerError":
    case "UnexpectedStatus":
      return new GatewayProblem(502, "upstream-error", "Bad gateway", `the upstream answered ${e.status}`)
  }
  return new GatewayProblem(500, "internal", "Internal error", "the gateway failed to handle the request")
}

/**
 * The gateway's one `onError`: any error as the client's problem+json
 * answer, with the request id; logged when it is the gateway's fault (5xx).
 */
export const problemHandler =
  (logger: Logger): ErrorHandler<GatewayEnv> =>
  (error, c) => {
    const problem =
      error instanceof HTTPException ? new GatewayProblem(error.status, "http-error", error.message || "HTTP error") : toGatewayProblem(error)
    const requestId = c.get("requestId")
    if (problem.status >= 500) {
      const log = requestId ? requestLog(c) : logger
      log.error({ err: { message: error.message, type: error.name, tag: (error as { _tag?: string })._tag } }, "request error")
    }
    return problem.toResponse(c.req.path, requestId ? { "x-request-id": requestId } : undefined)
  }

/** What the gateway answers for a path nothing serves. */
export const notFoundHandler: NotFoundHandler<GatewayEnv> = (c) =>
  notFound(`no route ${c.req.method} ${c.req.path}`).toResponse(c.req.path, { "x-request-id": c.get("requestId") })
