/**
 * Every failure as something a person can read: an API error as its problem
 * title and detail, a connection failure as "could not reach", anything else
 * as its message. Never a stack trace, never a header (core's errors hold none).
 */

export type FailureKind = "unreachable" | "api" | "invalid" | "timeout" | "aborted" | "internal"

export interface Failure {
  readonly kind: FailureKind
  readonly title: string
  readonly detail: string | undefined
  readonly status: number | undefined
  /** Core's tag (`StaleDraft`, `NotFound`, …) when the error came from core. */
  readonly tag: string | undefined
}

interface Tagged {
  readonly _tag?: unknown
  readonly status?: unknown
  readonly problem?: { readonly title?: unknown; readonly detail?: unknown } | undefined
  readonly errors?: ReadonlyArray<{ readonly path: string; readonly message: string }>
  readonly code?: unknown
  readonly message?: unknown
  readonly name?: unknown
}

/**
 * Field errors as one line. Optional fields are unions with null/undefined, so a
 * bad value also reports "Expected null, actual …" for the same path: noise next
 * to the real reason, dropped when a real reason is there.
 */
const fieldLine = (errors: ReadonlyArray<{ readonly path: string; readonly message: string }>): string => {
  const isAlternative = (message: string) => /^Expected (null|undefined), actual/.test(message)
  // A union's message comes as its members' messages joined with "; ": each part counts as one.
  const parts = errors.flatMap((e) => e.message.split(/; (?=Expected )/).map((message) => ({ path: e.path, message: message.trim() })))
  const kept = parts.filter(
    (e) => !isAlternative(e.message) || !parts.some((other) => other.path === e.path && !isAlternative(other.message))
  )
  return [...new Set(kept.map((f) => `${f.path}: ${f.message}`))].join("; ")
}

/** The problem's detail and the field errors, each said once (servers often put the one in the other). */
const detailAndFields = (detail: string | undefined, fields: string): string | undefined => {
  if (!detail) return fields || undefined
  if (!fields || detail.includes(fields)) return detail
  if (fields.includes(detail)) return fields
  return `${detail} — ${fields}`
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value.length > 0 ? value : undefined)

const httpTitles: Record<string, string> = {
  Unauthorized: "Not authorised",
  Forbidden: "Forbidden",
  NotFound: "Not found",
  Conflict: "Conflict",
  StaleDraft: "The draft changed",
  RateLimited: "Rate limited",
  Unavailable: "Service unavailable",
  ServerError: "Server error",
  UnexpectedStatus: "Unexpected answer"
}

export const describeError = (error: unknown): Failure => {
  const e = (typeof error === "object" && error !== null ? error : { message: String(error) }) as Tagged
  const tag = text(e._tag)
  const status = typeof e.status === "number" && e.status > 0 ? e.status : undefined
  const problemTitle = text(e.problem?.title)
  const problemDetail = text(e.problem?.detail)
  switch (tag) {
    case "TransportError":
      return {
        kind: "unreachable",
        title: "Could not reach the API",
        detail: text(e.code) ? `connection failed (${String(e.code)})` : "the connection failed",
        status: undefined,
        tag
      }
    case "RequestTimeout":
      return { kind: "unreachable", title: "The API did not answer in time", detail: undefined, status: undefined, tag }
    case "EvaluationRunTimeout":
      return { kind: "timeout", title: "Gave up waiting for the run", detail: text(e.message), status: undefined, tag }
    case "ResponseDecodeError": {
      const fields = fieldLine(e.errors ?? [])
      return { kind: "api", title: "The API answered in an unexpected shape", detail: fields || undefined, status, tag }
    }
    case "InvalidRequest": {
      const fields = fieldLine(e.errors ?? [])
      return {
        kind: "invalid",
        title: problemTitle ?? "Invalid request",
        detail: detailAndFields(problemDetail, fields),
        status,
        tag
      }
    }
    case "Unavailable":
      // 502/503/504 from a gateway usually means the API behind it is down: for scripts that is "unreachable".
      return { kind: "unreachable", title: problemTitle ?? httpTitles[tag]!, detail: problemDetail, status, tag }
  }
  if (tag !== undefined && tag in httpTitles) {
    return { kind: "api", title: problemTitle ?? httpTitles[tag]!, detail: problemDetail, status, tag }
  }
  if (e.name === "AbortError") return { kind: "aborted", title: "Cancelled", detail: undefined, status: undefined, tag }
  return { kind: "internal", title: text(e.message) ?? "Something went wrong", detail: undefined, status, tag }
}

/** One line: `Not found (404): no agent "x"`. */
export const failureLine = (failure: Failure): string =>
  `${failure.title}${failure.status ? ` (${failure.status})` : ""}${failure.detail ? `: ${failure.detail}` : ""}`
