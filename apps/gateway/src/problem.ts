/**
 * The gateway's own errors. Handlers and middleware throw a `GatewayProblem`;
 * the one `onError` in app.ts turns it (or anything else) into
 * application/problem+json. No handler formats its own error body.
 */
import * as Duration from "effect/Duration"
import { makeProblem, PROBLEM_CONTENT_TYPE, type FieldError, type ProblemDetails } from "@fruxkit/core"
import { Answer, toResponse } from "./answer.js"

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

  /** The problem+json answer; `headers` (the request id) are added to the problem's own (Retry-After, Allow). */
  toAnswer(instance?: string, headers?: Readonly<Record<string, string>>): Answer {
    return new Answer(this.status, { ...this.headers, ...headers, "content-type": PROBLEM_CONTENT_TYPE }, JSON.stringify(this.toProblem(instance)))
  }

  toResponse(instance?: string, headers?: Readonly<Record<string, string>>): Response {
    return toResponse(this.toAnswer(instance, headers))
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
