/**
 * Every failure a caller can act on, as a small closed union of tagged
 * errors. HTTP errors keep the whole problem+json document (extension members
 * included). No error ever holds a request's headers, so a token cannot leak
 * through `message`, `toString` or JSON.
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import type { FieldError, ProblemDetails } from "./schema/Problem.js"

/** What was asked, for messages: method and path (no headers, no query secrets). */
export interface RequestInfo {
  readonly method: string
  readonly url: string
  /** The endpoint's name in the table, e.g. `addToDatasets`. */
  readonly endpoint: string
}

const describe = (request: RequestInfo | undefined): string =>
  request === undefined ? "" : ` (${request.method} ${request.url})`

const problemText = (problem: ProblemDetails | undefined): string => {
  if (problem === undefined) return ""
  const title = problem.title ?? ""
  const detail = problem.detail ?? ""
  if (title && detail && detail !== title) return `: ${title} — ${detail}`
  return title || detail ? `: ${title || detail}` : ""
}

const requestIdText = (requestId: string | undefined): string => (requestId ? ` [request ${requestId}]` : "")

/**
 * What every fruxkit error is an instance of, at run time: `catch (e) { if (e
 * instanceof FruxonError.FruxonError) … }` catches them all (the type of the
 * same name is the closed union, for exhaustive `switch (e._tag)`).
 */
export abstract class FruxonErrorBase extends Data.Error<{}> {
  abstract readonly _tag: string
}

/** A tagged subclass of `FruxonErrorBase` (what `Data.TaggedError` does, on a shared base). */
const Tagged = <Tag extends string>(tag: Tag) => {
  class TaggedFruxonError extends FruxonErrorBase {
    readonly _tag = tag
  }
  ;(TaggedFruxonError.prototype as { name: string }).name = tag
  return TaggedFruxonError as unknown as new <A extends Record<string, any>>(
    args: { readonly [K in keyof A]: A[K] }
  ) => FruxonErrorBase & { readonly _tag: Tag } & Readonly<A>
}

interface HttpFields {
  readonly request: RequestInfo
  readonly status: number
  readonly problem: ProblemDetails
  /** The server's `x-request-id`, to quote when asking its operators. */
  readonly requestId?: string | undefined
}

/** The wait a server asked for, in milliseconds (`Retry-After` / `retry-after-ms`). */
interface RetryAfterField {
  readonly retryAfter: number | undefined
}

const httpText = (head: string, e: HttpFields): string =>
  `${head}${describe(e.request)}${problemText(e.problem)}${requestIdText(e.requestId)}`

const waitText = (retryAfter: number | undefined): string =>
  retryAfter !== undefined ? `, retry after ${Duration.format(Duration.millis(retryAfter))}` : ""

/** 400/422 from the server, or a request the client refused to send (status 0). */
export class InvalidRequest extends Tagged("InvalidRequest")<{
  readonly request: RequestInfo | undefined
  readonly status: number
  readonly errors: ReadonlyArray<FieldError>
  readonly problem: ProblemDetails | undefined
  readonly requestId?: string | undefined
}> {
  override get message() {
    const fields = this.errors.map((e) => `${e.path}: ${e.message}`).join("; ")
    const head = this.status === 0 ? "invalid request, not sent" : `${this.status} invalid request`
    return `${head}${describe(this.request)}${problemText(this.problem)}${fields ? ` [${fields}]` : ""}${requestIdText(this.requestId)}`
  }
}

export class Unauthorized extends Tagged("Unauthorized")<HttpFields> {
  override get message() {
    return httpText("401 unauthorized", this)
  }
}

export class Forbidden extends Tagged("Forbidden")<HttpFields> {
  override get message() {
    return httpText("403 forbidden", this)
  }
}

export class NotFound extends Tagged("NotFound")<HttpFields> {
  override get message() {
    return httpText("404 not found", this)
  }
}

export class Conflict extends Tagged("Conflict")<HttpFields> {
  override get message() {
    return httpText("409 conflict", this)
  }
}

/** `draft:test` or `draft:evaluate` refused because the draft's head moved on (409 or 412): nothing ran. */
export class StaleDraft extends Tagged("StaleDraft")<HttpFields> {
  override get message() {
    return httpText(`${this.status} stale draft: the head changed since it was read, nothing ran`, this)
  }
}

export class RateLimited extends Tagged("RateLimited")<HttpFields & RetryAfterField> {
  override get message() {
    return httpText(`429 rate limited${waitText(this.retryAfter)}`, this)
  }
}

/** 502, 503, 504: the server (or what is behind it) is not able to answer now. */
export class Unavailable extends Tagged("Unavailable")<HttpFields & RetryAfterField> {
  override get message() {
    return httpText(`${this.status} unavailable${waitText(this.retryAfter)}`, this)
  }
}

export class ServerError extends Tagged("ServerError")<HttpFields> {
  override get message() {
    return httpText(`${this.status} server error`, this)
  }
}

/** Any other status outside 2xx (405, 410, 413, …). */
export class UnexpectedStatus extends Tagged("UnexpectedStatus")<HttpFields> {
  override get message() {
    return httpText(`unexpected status ${this.status}`, this)
  }
}

/** The request did not finish within the configured timeout. */
export class RequestTimeout extends Tagged("RequestTimeout")<{
  readonly request: RequestInfo
  /** Milliseconds. */
  readonly timeout: number
}> {
  override get message() {
    return `no answer within ${Duration.format(Duration.millis(this.timeout))}${describe(this.request)}`
  }
}

/**
 * The connection failed. `reachedServer` is `false` only when the request
 * provably never reached the server (refused, unresolvable, connect timeout):
 * the one case where a creating call may be sent again.
 */
export class TransportError extends Tagged("TransportError")<{
  readonly request: RequestInfo
  readonly reachedServer: boolean | "unknown"
  readonly code: string | undefined
}> {
  override get message() {
    const where = this.reachedServer === false ? "before reaching the server" : "after the request may have reached the server"
    return `transport failure${this.code ? ` ${this.code}` : ""} ${where}${describe(this.request)}`
  }
}

/** The server answered 2xx with a body that does not match the contract. */
export class ResponseDecodeError extends Tagged("ResponseDecodeError")<{
  readonly request: RequestInfo
  readonly status: number
  readonly errors: ReadonlyArray<FieldError>
  readonly requestId?: string | undefined
}> {
  override get message() {
    const fields = this.errors.map((e) => `${e.path}: ${e.message}`).join("; ")
    return `response does not match the contract${describe(this.request)} [${fields}]${requestIdText(this.requestId)}`
  }
}

export type FruxonError =
  | InvalidRequest
  | Unauthorized
  | Forbidden
  | NotFound
  | Conflict
  | StaleDraft
  | RateLimited
  | Unavailable
  | ServerError
  | UnexpectedStatus
  | RequestTimeout
  | TransportError
  | ResponseDecodeError

/** The base class of every variant, as a value: `error instanceof FruxonError.FruxonError`. */
export const FruxonError = FruxonErrorBase

/** Errors an HTTP answer produced: they carry `status`, `problem` and `requestId`. */
export type HttpError = Extract<FruxonError, { readonly problem: unknown }>

/** The errors any call can fail with, except `StaleDraft` (only `testDraft` and `evaluateDraft` answer that). */
export type CallError = Exclude<FruxonError, StaleDraft>

/**
 * Codes that prove a request never left: the connection was refused, the
 * name did not resolve, or the connect timed out. Only after these may a
 * creating call be sent again without an idempotency key.
 */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "EADDRNOTAVAIL"
])

/** The system or undici code of a transport failure (searched through causes and aggregate errors). */
export const transportCode = (cause: unknown): string | undefined => {
  let current: unknown = cause
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === "string") return code
    const errors = (current as { errors?: unknown }).errors
    if (Array.isArray(errors) && errors.length > 0) {
      current = errors[0]
      continue
    }
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/** A failed connection as a `TransportError`, with whether it provably never reached the server. */
export const fromTransportFailure = (request: RequestInfo, cause: unknown): TransportError => {
  const code = transportCode(cause)
  return new TransportError({ request, code, reachedServer: code !== undefined && NOT_SENT_CODES.has(code) ? false : "unknown" })
}

/**
 * Read an error body: problem+json, or the `{message, details}` some servers
 * (Fruxon among them) send instead: `message` becomes the title, a string
 * `details` the detail; `details` of any shape stays on the problem as it came.
 */
export const problemFromBody = (status: number, body: unknown): ProblemDetails => {
  if (typeof body === "object" && body !== null && !Array.isArray(body)) {
    const record = body as Record<string, unknown>
    const title = typeof record.title === "string" ? record.title : typeof record.message === "string" ? record.message : undefined
    const detail =
      typeof record.detail === "string" ? record.detail : typeof record.details === "string" ? record.details : undefined
    return {
      ...record,
      ...(title !== undefined ? { title } : {}),
      ...(detail !== undefined ? { detail } : {}),
      status: typeof record.status === "number" ? record.status : status
    }
  }
  return { status, ...(typeof body === "string" && body.length > 0 ? { detail: body.slice(0, 500) } : {}) }
}

/**
 * `Retry-After` (seconds or an HTTP date) or `retry-after-ms`, as a duration.
 * `now` is passed in so tests can pin the clock.
 */
export const parseRetryAfter = (
  headers: { readonly get: (name: string) => string | null | undefined },
  now: number = Date.now()
): Duration.Duration | undefined => {
  const ms = headers.get("retry-after-ms")
  if (ms !== null && ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Duration.millis(Number(ms))
  const value = headers.get("retry-after")
  if (value === null || value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Duration.seconds(Number(trimmed))
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return undefined
  return Duration.millis(Math.max(0, date - now))
}
