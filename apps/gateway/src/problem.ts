/**
 * The gateway's own errors. Handlers and middleware throw a `GatewayProblem`;
 * the one `onError` (`problemHandler` below) turns it (or anything else) into
 * application/problem+json. No handler formats its own error body.
 */
import type { ErrorHandler, NotFoundHandler } from "hono"
import { HTTPException } from "hono/http-exception"
import type { Logger } from "pino"
import { ErrorProblem, makeProblem, PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE, type FieldError, type ProblemDetails } from "@fruxkit/core"
import type { GatewayEnv } from "./env.js"
import { requestLog, requestState } from "./request-context.js"

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

/**
 * Any failure as the problem a client gets. Core's typed errors (from the
 * upstream, the shared pollers and dedupe) go through core's one error map as
 * a relay: an upstream 401 is the gateway's own credential failing, so the
 * client sees a 502, not an invitation to change its key.
 */
export const toGatewayProblem = (error: unknown): GatewayProblem => {
  if (error instanceof GatewayProblem) return error
  if (ErrorProblem.isKnownError(error)) {
    const { problem, headers } = ErrorProblem.toProblem(error, { relayed: true })
    const { type, title, status, detail, ...extensions } = problem
    return new GatewayProblem(
      status ?? 502,
      (type ?? "").slice(PROBLEM_TYPE_BASE.length),
      title ?? "Bad gateway",
      detail,
      Object.keys(extensions).length > 0 ? extensions : undefined,
      Object.keys(headers).length > 0 ? headers : undefined
    )
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
    const requestId = requestState(c).requestId
    if (problem.status >= 500) {
      const log = requestId ? requestLog(c) : logger
      log.error({ err: { message: error.message, type: error.name, tag: (error as { _tag?: string })._tag } }, "request error")
    }
    return problem.toResponse(c.req.path, requestId ? { "x-request-id": requestId } : undefined)
  }

/** What the gateway answers for a path nothing serves. */
export const notFoundHandler: NotFoundHandler<GatewayEnv> = (c) =>
  notFound(`no route ${c.req.method} ${c.req.path}`).toResponse(c.req.path, { "x-request-id": requestState(c).requestId })
