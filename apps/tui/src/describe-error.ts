/**
 * Every failure as something a person can read: an API error as its problem
 * title and detail, a connection failure as "could not reach", anything else
 * as its message. Never a stack trace, never a header (core's errors hold none).
 */
import { ErrorProblem } from "@fruxkit/core"

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

/**
 * What a script or a screen does about each of core's errors. Keyed by core's
 * tag union, so a new error does not compile until it is placed here; its
 * title comes from core's one error map.
 */
const kinds: { readonly [T in ErrorProblem.Tag]: FailureKind } = {
  InvalidRequest: "invalid",
  Unauthorized: "api",
  Forbidden: "api",
  NotFound: "api",
  Conflict: "api",
  StaleDraft: "api",
  RateLimited: "api",
  // 502/503/504 from a gateway usually means the API behind it is down: for scripts that is "unreachable".
  Unavailable: "unreachable",
  ServerError: "api",
  UnexpectedStatus: "api",
  RequestTimeout: "unreachable",
  TransportError: "unreachable",
  ResponseDecodeError: "api",
  EvaluationRunTimeout: "timeout"
}

export const describeError = (error: unknown): Failure => {
  if (ErrorProblem.isKnownError(error)) {
    const tag = error._tag
    const { problem } = ErrorProblem.toProblem(error)
    // The server's own words when it sent a problem; core's map otherwise.
    const { problem: received, status: sent } = error as Tagged
    const status = typeof sent === "number" && sent > 0 ? sent : undefined
    const fields = "errors" in error ? fieldLine(error.errors) : ""
    const own = received === undefined ? text(problem.detail) : text(received.detail)
    const detail = detailAndFields(own, fields)
    return { kind: kinds[tag], title: text(received?.title) ?? problem.title ?? tag, detail, status, tag }
  }
  const e = (typeof error === "object" && error !== null ? error : { message: String(error) }) as Tagged
  if (e.name === "AbortError") return { kind: "aborted", title: "Cancelled", detail: undefined, status: undefined, tag: undefined }
  const status = typeof e.status === "number" && e.status > 0 ? e.status : undefined
  return { kind: "internal", title: text(e.message) ?? "Something went wrong", detail: undefined, status, tag: text(e._tag) }
}

/** One line: `Not found (404): no agent "x"`. */
export const failureLine = (failure: Failure): string =>
  `${failure.title}${failure.status ? ` (${failure.status})` : ""}${failure.detail ? `: ${failure.detail}` : ""}`
