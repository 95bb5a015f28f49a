/**
 * What one endpoint of the Fruxon API is: everything a client, a server, a
 * proxy and an OpenAPI generator need to know about it. `Endpoints.ts` holds
 * the table; nothing else writes a path or a shape.
 */
import type * as Schema from "effect/Schema"
import type * as ErrorProblem from "./ErrorProblem.js"

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE"

/**
 * - `safe`: repeating it changes nothing (reads, deletes): retried on transient failure.
 * - `creating`: it creates something; retried only when the request provably never
 *   reached the server, when the server said so (429/503 with Retry-After), or when
 *   the caller sent an idempotency key.
 */
export type RetryClass = "safe" | "creating"

/** `bearer`: `Authorization: Bearer <JWT>`. `apiKey`: `X-API-KEY` (the execution endpoints). */
export type AuthScheme = "bearer" | "apiKey"

export type IfMatch = "required" | "optional" | "none"

/**
 * How a paged list endpoint pages: which query parameters carry the page
 * size and the cursor, and which response fields hold the items and the next
 * cursor. Clients follow pages with these names only (no cursor name is
 * written anywhere else).
 */
export interface Paging {
  /** Query parameter for the page size (e.g. `PageSize`). */
  readonly sizeParam: string
  /** Query parameter the next-page token goes back in (e.g. `PageToken.Cursor`). */
  readonly cursorParam: string
  /** Query parameters a cursor replaces (e.g. an offset such as `PageToken.Skip`). */
  readonly clearedByCursor: ReadonlyArray<string>
  /** Response field holding the page's items. */
  readonly itemsField: string
  /** Response field holding the next-page token; empty or absent ends the list. */
  readonly nextTokenField: string
}

/**
 * The errors documented for an endpoint: each status it answers with a
 * problem, and the error a client reads that status as (core's error map).
 * Where a status could mean two errors, the entry decides: on `draft:test`
 * a 409 is a `StaleDraft`, elsewhere a `Conflict`.
 */
export type DocumentedErrors = { readonly [status: number]: ErrorProblem.Tag }

/** What every endpoint may answer. */
export const defaultErrors = { 400: "InvalidRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound" } as const

/**
 * What a client may wait for after calling it (the gateway's extensions):
 * `wait` — `?wait=` holds the answer until the run it names ends or changes;
 * `stream` — the run can be followed as a Server-Sent Event stream (`…/events`).
 */
export interface RunFollowing {
  readonly wait: boolean
  readonly stream: boolean
}

/**
 * Set on a call that snapshots one new row per target its body names (it
 * never upserts), where a caller may ask for at-most-once instead: core's
 * `dedupe: true`, the gateway's `?dedupe=true`. `existing` lists what earlier
 * calls made; each of its items names its target in `existingKey`, and the
 * body names the targets in `targetsField`. Only targets without a row are
 * sent on.
 */
export interface Dedupe {
  readonly existing: Any
  readonly targetsField: string
  readonly existingKey: string
}

export interface Endpoint<
  Name extends string = string,
  Path extends string = string,
  Query extends Schema.Schema.AnyNoContext | undefined = Schema.Schema.AnyNoContext | undefined,
  Body extends Schema.Schema.AnyNoContext | undefined = Schema.Schema.AnyNoContext | undefined,
  Success extends Schema.Schema.AnyNoContext | undefined = Schema.Schema.AnyNoContext | undefined,
  BodyRequired extends boolean = boolean,
  IfMatchKind extends IfMatch = IfMatch,
  Retry extends RetryClass = RetryClass,
  PagingKind extends Paging | undefined = Paging | undefined,
  Errors extends DocumentedErrors = DocumentedErrors
> {
  readonly name: Name
  readonly method: HttpMethod
  /** Path template; `{param}` is a path parameter, a `:verb` suffix is literal. */
  readonly path: Path
  readonly summary: string
  readonly group: string
  readonly query: Query
  readonly body: Body
  readonly bodyRequired: BodyRequired
  /** The 2xx body; `undefined` when the endpoint answers with no body. */
  readonly success: Success
  readonly successStatus: 200 | 201 | 204
  /** A 204 that means "nothing there" (no draft yet) and decodes to `null`. */
  readonly noContentIsNull: boolean
  readonly ifMatch: IfMatchKind
  /** The problems documented for it, by status (problem+json). */
  readonly errors: Errors
  /**
   * `creating`: it creates something, so an `Idempotency-Key` applies (the
   * client retries it only with one; the gateway deduplicates by it).
   */
  readonly retry: Retry
  /**
   * On `creating` endpoints: the GET path (its parameters a subset of this
   * one's) that lists what a call creates or changes — where to look when a
   * call's answer was lost and it may or may not have acted.
   */
  readonly createdIn: string | undefined
  readonly auth: AuthScheme
  /** Set on paged lists: how to follow their pages. */
  readonly paging: PagingKind
  /** Set where the answer is (or starts) an evaluation run a client may wait on or stream. */
  readonly run: RunFollowing | undefined
  /** Set where a caller may ask for at-most-once creation (see Dedupe). */
  readonly dedupe: Dedupe | undefined
}

export type Any = Endpoint<string, string, any, any, any, boolean, IfMatch, RetryClass, any, DocumentedErrors>

export const make = <
  const Name extends string,
  const Path extends string,
  Query extends Schema.Schema.AnyNoContext | undefined = undefined,
  Body extends Schema.Schema.AnyNoContext | undefined = undefined,
  Success extends Schema.Schema.AnyNoContext | undefined = undefined,
  const BodyRequired extends boolean = false,
  const IfMatchKind extends IfMatch = "none",
  const Retry extends RetryClass = RetryClass,
  PagingKind extends Paging | undefined = undefined,
  const Errors extends DocumentedErrors = typeof defaultErrors
>(definition: {
  readonly name: Name
  readonly method: HttpMethod
  readonly path: Path
  readonly summary: string
  readonly group: string
  readonly query?: Query
  readonly body?: Body
  readonly bodyRequired?: BodyRequired
  readonly success?: Success
  readonly successStatus?: 200 | 201 | 204
  readonly noContentIsNull?: boolean
  readonly ifMatch?: IfMatchKind
  readonly errors?: Errors
  readonly retry: Retry
  readonly createdIn?: string
  readonly auth?: AuthScheme
  readonly paging?: PagingKind
  readonly run?: RunFollowing
  readonly dedupe?: Dedupe
}): Endpoint<Name, Path, Query, Body, Success, BodyRequired, IfMatchKind, Retry, PagingKind, Errors> => ({
  query: undefined as Query,
  body: undefined as Body,
  bodyRequired: false as BodyRequired,
  success: undefined as Success,
  successStatus: 200,
  noContentIsNull: false,
  ifMatch: "none" as IfMatchKind,
  errors: defaultErrors as unknown as Errors,
  createdIn: undefined,
  auth: "bearer",
  paging: undefined as PagingKind,
  run: undefined,
  dedupe: undefined,
  ...definition
})

// ---- types derived from an endpoint (the client's argument and result) ----

export type PathParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PathParamNames<Rest>
  : never

/** Revisions are integers; every other path parameter is a string. */
export type PathParamValue<Name> = Name extends "revision" ? number : string

export type PathParams<E extends Any> = {
  readonly [K in PathParamNames<E["path"]>]: PathParamValue<K>
}

type BodyArg<E extends Any> = E["body"] extends Schema.Schema.AnyNoContext
  ? E["bodyRequired"] extends true
    ? { readonly body: Schema.Schema.Type<E["body"]> }
    : { readonly body?: Schema.Schema.Type<E["body"]> | undefined }
  : {}

type QueryArg<E extends Any> = E["query"] extends Schema.Schema.AnyNoContext
  ? { readonly query?: Schema.Schema.Type<E["query"]> | undefined }
  : {}

type IfMatchArg<E extends Any> = E["ifMatch"] extends "required"
  ? { readonly ifMatch: number | string }
  : E["ifMatch"] extends "optional"
    ? { readonly ifMatch?: number | string | undefined }
    : {}

type IdempotencyArg<E extends Any> = E["retry"] extends "creating"
  ? {
      /** Opts a creating call into retries: the server (or gateway) deduplicates by this key. */
      readonly idempotencyKey?: string | undefined
    }
  : {}

export type Args<E extends Any> = PathParams<E> & BodyArg<E> & QueryArg<E> & IfMatchArg<E> & IdempotencyArg<E>

export type Success<E extends Any> = E["success"] extends Schema.Schema.AnyNoContext
  ? Schema.Schema.Type<E["success"]>
  : void
