/**
 * The one map between core's errors and problem+json, both ways.
 *
 * `classes` holds, for every tag of `KnownError`, the problem a server
 * answers with (status, `type` URI, title) and the statuses that, received
 * from a server, mean that error. It is keyed by the tag union, so adding an
 * error variant without mapping it does not compile. Everything else here is
 * derived from it: `toProblem` (error → problem, what the gateway answers),
 * `problem` (a server's own problem of a class: the local backend),
 * `fromProblem` (problem → error, what the client raises), and `tags` (what
 * the TUI and the CLI switch over, exhaustively).
 */
import * as Duration from "effect/Duration"
import type { EvaluationRunTimeout } from "./AwaitRun.js"
import type { DocumentedErrors } from "./Endpoint.js"
import {
  Conflict,
  Forbidden,
  InvalidRequest,
  NotFound,
  RateLimited,
  ServerError,
  StaleDraft,
  Unauthorized,
  Unavailable,
  UnexpectedStatus,
  problemFromBody,
  type FruxonError,
  type RequestInfo
} from "./FruxonError.js"
import { problemType, type FieldError, type ProblemDetails } from "./schema/Problem.js"

/** Every error core raises: the client's union and the wait for a run giving up. */
export type KnownError = FruxonError | EvaluationRunTimeout
export type Tag = KnownError["_tag"]
export type ErrorOf<T extends Tag> = Extract<KnownError, { readonly _tag: T }>

/** How a problem of one class is written. */
export interface ProblemShape {
  readonly status: number
  /** The name under `PROBLEM_TYPE_BASE`: `not-found` → https://fruxkit.dev/problems/not-found. */
  readonly type: string
  readonly title: string
}

/** A server's non-2xx answer, as the client read it. */
export interface Received {
  readonly request: RequestInfo
  readonly status: number
  readonly problem: ProblemDetails
  /** The wait the server asked for, in milliseconds. */
  readonly retryAfter: number | undefined
  /** The server's `x-request-id`. */
  readonly requestId?: string | undefined
}

export interface ProblemClass<E> extends ProblemShape {
  /**
   * How this error is read from a server's answer: the statuses that mean it
   * and how it is made. Absent for failures no server answers with (a refused
   * connection, a decode failure, a wait that gave up): those only travel as
   * a relay's 502/504, read back as `Unavailable`.
   */
  readonly received?: {
    readonly statuses: ReadonlyArray<number>
    readonly make: (answer: Received) => E
  }
  /**
   * How a relay (the gateway) answers when the server behind it gave this
   * error, when that differs from passing it on: the server behind failing,
   * or refusing the relay's own credentials, is the relay's 502/503, never a
   * reason for its client to change its key.
   */
  readonly relayed?: ProblemShape & { readonly detail?: string }
  /** Retry-After is sent with this problem (the error's own hint, else one second). */
  readonly retryable?: boolean
  readonly detail: (error: E) => string | undefined
  readonly extensions?: (error: E) => Readonly<Record<string, unknown>>
}

const receivedDetail = (error: { readonly problem?: ProblemDetails | undefined }): string | undefined =>
  error.problem?.detail ?? error.problem?.title

/** The `errors` extension member, when it lists field errors. */
const fieldErrorsOf = (problem: ProblemDetails): ReadonlyArray<FieldError> => {
  const errors = problem.errors
  if (!Array.isArray(errors)) return []
  return errors.flatMap((e: unknown) =>
    typeof e === "object" && e !== null && typeof (e as FieldError).path === "string"
      ? [{ path: (e as FieldError).path, message: String((e as FieldError).message ?? "") }]
      : []
  )
}

const fieldErrors = (error: { readonly errors: ReadonlyArray<FieldError> }) => ({ errors: error.errors })

const http = ({ request, status, problem, requestId }: Received) => ({ request, status, problem, requestId })

/** The map. A tag missing here, or an entry for a tag that does not exist, is a type error. */
export const classes: { readonly [T in Tag]: ProblemClass<ErrorOf<T>> } = {
  InvalidRequest: {
    status: 400, type: "invalid-request", title: "Invalid request",
    received: { statuses: [400, 422, 428], make: (a) => new InvalidRequest({ ...http(a), errors: fieldErrorsOf(a.problem) }) },
    detail: receivedDetail, extensions: fieldErrors
  },
  Unauthorized: {
    status: 401, type: "unauthorized", title: "Unauthorized",
    received: { statuses: [401], make: (a) => new Unauthorized(http(a)) },
    relayed: {
      status: 502, type: "upstream-unauthorized", title: "Bad gateway", detail: "the upstream refused the gateway's credentials"
    },
    detail: receivedDetail
  },
  Forbidden: {
    status: 403, type: "forbidden", title: "Forbidden",
    received: { statuses: [403], make: (a) => new Forbidden(http(a)) },
    detail: receivedDetail
  },
  NotFound: {
    status: 404, type: "not-found", title: "Not found",
    received: { statuses: [404], make: (a) => new NotFound(http(a)) },
    detail: receivedDetail
  },
  Conflict: {
    status: 409, type: "conflict", title: "Conflict",
    received: { statuses: [409, 412], make: (a) => new Conflict(http(a)) },
    detail: receivedDetail
  },
  // Received as a Conflict's statuses, told apart by `fromProblem` (the type, or the endpoint's documented errors).
  StaleDraft: {
    status: 409, type: "stale-draft", title: "The draft changed",
    received: { statuses: [], make: (a) => new StaleDraft(http(a)) },
    detail: receivedDetail
  },
  RateLimited: {
    status: 429, type: "rate-limited", title: "Too many requests", retryable: true,
    received: { statuses: [429], make: (a) => new RateLimited({ ...http(a), retryAfter: a.retryAfter }) },
    detail: receivedDetail
  },
  Unavailable: {
    status: 503, type: "unavailable", title: "Service unavailable", retryable: true,
    received: { statuses: [502, 503, 504], make: (a) => new Unavailable({ ...http(a), retryAfter: a.retryAfter }) },
    relayed: { status: 503, type: "upstream-unavailable", title: "Upstream unavailable" },
    detail: receivedDetail
  },
  // Any other 5xx.
  ServerError: {
    status: 500, type: "server-error", title: "Server error",
    received: { statuses: [], make: (a) => new ServerError(http(a)) },
    relayed: { status: 502, type: "upstream-error", title: "Bad gateway" },
    detail: (e) => receivedDetail(e) ?? `the server answered ${e.status}`
  },
  // Any other status outside 2xx.
  UnexpectedStatus: {
    status: 502, type: "unexpected-status", title: "Unexpected answer",
    received: { statuses: [], make: (a) => new UnexpectedStatus(http(a)) },
    relayed: { status: 502, type: "upstream-error", title: "Bad gateway" },
    detail: (e) => receivedDetail(e) ?? `the server answered ${e.status}`
  },
  // The failures below happen on the caller's side, so no server sends them;
  // their own shape names the failure, `relayed` is how the gateway says it.
  RequestTimeout: {
    status: 504, type: "timeout", title: "The API did not answer in time",
    relayed: { status: 504, type: "gateway-timeout", title: "Gateway timeout" },
    detail: (e) => `no answer within ${Duration.format(Duration.millis(e.timeout))}`
  },
  TransportError: {
    status: 502, type: "unreachable", title: "Could not reach the API",
    relayed: { status: 502, type: "upstream-unreachable", title: "Bad gateway" },
    detail: (e) => `the connection failed${e.code ? ` (${e.code})` : ""}`
  },
  ResponseDecodeError: {
    status: 502, type: "invalid-response", title: "The API answered in an unexpected shape",
    relayed: { status: 502, type: "upstream-invalid-response", title: "Bad gateway" },
    detail: () => "the answer does not match the API contract", extensions: fieldErrors
  },
  EvaluationRunTimeout: {
    status: 504, type: "run-wait-timeout", title: "Gave up waiting for the run",
    relayed: { status: 504, type: "gateway-timeout", title: "Gateway timeout" },
    detail: (e) => e.message
  }
}

export const tags: ReadonlyArray<Tag> = Object.keys(classes) as Array<Tag>

const classOf = <T extends Tag>(tag: T): ProblemClass<ErrorOf<T>> => classes[tag] as ProblemClass<ErrorOf<T>>

/** Whether a value is one of core's errors (by its tag). */
export const isKnownError = (value: unknown): value is KnownError => {
  const tag = (value as { _tag?: unknown } | null | undefined)?._tag
  return typeof tag === "string" && Object.hasOwn(classes, tag)
}

export interface ProblemAnswer {
  readonly problem: ProblemDetails
  /** Retry-After for the classes that carry one. */
  readonly headers: Readonly<Record<string, string>>
}

const retryAfterSeconds = (error: KnownError): number => {
  const hint = (error as { readonly retryAfter?: number | undefined }).retryAfter
  return hint === undefined ? 1 : Math.max(1, Math.ceil(hint / 1000))
}

/**
 * An error as the problem a server answers with. `relayed`: the server
 * answering got the error from the server behind it (the gateway), so the
 * classes with a `relayed` shape answer with it.
 */
export const toProblem = (
  error: KnownError,
  options: { readonly relayed?: boolean; readonly instance?: string } = {}
): ProblemAnswer => {
  const cls = classOf(error._tag) as ProblemClass<KnownError>
  const relayed = options.relayed === true ? cls.relayed : undefined
  const shape: ProblemShape = relayed ?? cls
  const own = (error as { readonly status?: unknown }).status
  // A received error keeps the status it came with (409 or 412, 502/503/504, 422, …).
  const status = relayed === undefined && typeof own === "number" && readsAs(own, error._tag) ? own : shape.status
  const detail = relayed?.detail ?? cls.detail(error)
  return {
    problem: {
      type: problemType(shape.type),
      title: shape.title,
      status,
      ...(detail !== undefined ? { detail } : {}),
      ...cls.extensions?.(error),
      ...(options.instance !== undefined ? { instance: options.instance } : {})
    },
    headers: cls.retryable === true ? { "retry-after": String(retryAfterSeconds(error)) } : {}
  }
}

/**
 * A server's own problem of one class (the local backend's 404s, 409s, …).
 * `type` and `title` may name a narrower case of the class
 * (`route-not-found` of NotFound); `status` must be one a client reads back
 * as the same error (`fromProblem`), or this throws: a programming error.
 */
export const problem = <T extends Tag>(
  tag: T,
  options: {
    readonly detail?: string | undefined
    readonly type?: string
    readonly title?: string
    readonly status?: number
    readonly extensions?: Readonly<Record<string, unknown>>
  } = {}
): ProblemDetails => {
  const cls = classOf(tag)
  const status = options.status ?? cls.status
  if (!readsAs(status, tag)) {
    throw new Error(`a ${tag} problem cannot have status ${status}: a client would read it as ${receivedTag(status)}`)
  }
  return {
    type: problemType(options.type ?? cls.type),
    title: options.title ?? cls.title,
    status,
    ...(options.detail !== undefined ? { detail: options.detail } : {}),
    ...options.extensions
  }
}

/** Which received error a status means, derived from `received` (any other 5xx is a ServerError, anything else unexpected). */
const tagByStatus: ReadonlyMap<number, Tag> = (() => {
  const map = new Map<number, Tag>()
  for (const tag of tags) {
    for (const status of classes[tag].received?.statuses ?? []) {
      const already = map.get(status)
      if (already !== undefined) throw new Error(`status ${status} is received as both ${already} and ${tag}`)
      map.set(status, tag)
    }
  }
  return map
})()

const staleDraftType = problemType(classes.StaleDraft.type)

/** The error a status is read back as, before the stale-draft refinement. */
const receivedTag = (status: number): Tag =>
  tagByStatus.get(status) ?? (status >= 500 && status <= 599 ? "ServerError" : "UnexpectedStatus")

/** Whether a client reads this status back as this error (a stale draft comes as a Conflict's status). */
export const readsAs = (status: number, tag: Tag): boolean => {
  if (status < 400 || status > 599) return false
  const read = receivedTag(status)
  return read === tag || (tag === "StaleDraft" && read === "Conflict")
}

/**
 * A problem received from a server as the client's error. The status
 * decides (any 5xx not listed is a `ServerError`, anything else an
 * `UnexpectedStatus`), refined by what the endpoint documents for that
 * status (`documented`, the endpoint's `errors`: a 409 from `draft:test` is a
 * `StaleDraft`) or by the problem's type (`…/stale-draft`): nothing ran, and
 * the caller should read the head again.
 */
export const fromProblem = (answer: Received & { readonly documented?: DocumentedErrors | undefined }): FruxonError => {
  const tag = receivedTag(answer.status)
  const documented = answer.documented?.[answer.status]
  const refined = documented !== undefined && documented !== tag && readsAs(answer.status, documented) ? documented : undefined
  if (refined === "StaleDraft" || (tag === "Conflict" && answer.problem.type === staleDraftType)) {
    return classes.StaleDraft.received!.make(answer)
  }
  return (classes[tag].received as NonNullable<ProblemClass<FruxonError>["received"]>).make(answer)
}

/** A non-2xx answer (problem+json, or the `{message, details}` some servers send) as the client's error. */
export const fromResponse = (options: {
  readonly request: RequestInfo
  readonly status: number
  readonly body: unknown
  /** As `FruxonError.parseRetryAfter` reads it. */
  readonly retryAfter: Duration.Duration | undefined
  readonly requestId?: string | undefined
  /** The endpoint's documented errors (`endpoint.errors`). */
  readonly documented?: DocumentedErrors | undefined
}): FruxonError =>
  fromProblem({
    ...options,
    retryAfter: options.retryAfter === undefined ? undefined : Duration.toMillis(options.retryAfter),
    problem: problemFromBody(options.status, options.body)
  })
