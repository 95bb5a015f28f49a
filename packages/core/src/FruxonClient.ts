/**
 * The Fruxon API as an Effect service: one method per endpoint of the table,
 * each with a typed error channel, retries by `RetryPolicy`, and polling by
 * `AwaitRun`. Requests are built from `Endpoints.ts` and responses decoded
 * with its schemas; no path or shape is written here.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as AwaitRun from "./AwaitRun.js"
import type * as Endpoint from "./Endpoint.js"
import { Endpoints, type EndpointName } from "./Endpoints.js"
import * as ErrorProblem from "./ErrorProblem.js"
import * as InProcessApi from "./InProcessApi.js"
import * as FruxonError from "./FruxonError.js"
import * as IfMatch from "./IfMatch.js"
import * as RequestDecoding from "./RequestDecoding.js"
import * as ResponseDecoding from "./ResponseDecoding.js"
import * as RetryPolicy from "./RetryPolicy.js"
import * as Route from "./Route.js"
import * as RunWatcher from "./RunWatcher.js"
import type { EvaluationRun } from "./schema/EvaluationRun.js"
import type { EvaluationSample, ExecutionRecordSample } from "./schema/EvaluationSample.js"
import * as PagedList from "./PagedList.js"

export interface Config {
  /** e.g. `https://api.fruxon.com` or a gateway's URL. */
  readonly baseUrl: string
  /** Bearer token (a JWT for Fruxon, or a gateway API key). Held as `Redacted`. */
  readonly token?: Redacted.Redacted<string> | string | undefined
  /** `X-API-KEY` for the execution endpoints (`:execute`). */
  readonly apiKey?: Redacted.Redacted<string> | string | undefined
  /** Per attempt, body included. Default 30 s. */
  readonly timeout?: Duration.DurationInput | undefined
  readonly retry?: Partial<RetryPolicy.Options> | undefined
  readonly userAgent?: string | undefined
  /** Extra headers on every request (e.g. `x-request-id`). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Called before each retry: for metrics and logs. */
  readonly onRetry?: ((info: RetryInfo) => void) | undefined
}

export interface RetryInfo {
  readonly endpoint: string
  readonly error: FruxonError.FruxonError
  readonly delay: Duration.Duration
}

export const DEFAULT_TIMEOUT: Duration.DurationInput = "30 seconds"
export const DEFAULT_USER_AGENT = "fruxkit/0.1"

/** What one call answered: the decoded body, the status, the response headers and the raw body. */
export interface Answer<A> {
  readonly value: A
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** The body as it came (for `Response` objects built from an answer). */
  readonly body: string
}

/**
 * Settings for the calls made inside one Effect (`withCallOptions`): the
 * Promise facade's per-call `timeout`, `maxRetries` and `headers` are this.
 */
export interface CallOptions {
  /** Per attempt; replaces the client's `timeout`. */
  readonly timeout?: Duration.DurationInput | undefined
  /** Retries after the first attempt; replaces the policy's `maxAttempts - 1`. */
  readonly maxRetries?: number | undefined
  /** Added to (and overriding) the client's headers. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Sees every successful answer (the facade's `withResponse` keeps the last). */
  readonly onAnswer?: ((answer: Answer<unknown>) => void) | undefined
}

export const currentCallOptions: FiberRef.FiberRef<CallOptions> = FiberRef.unsafeMake<CallOptions>({})

/** Run `effect` with these call settings for every request it makes. */
export const withCallOptions =
  (options: CallOptions) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.locally(effect, currentCallOptions, options)

/**
 * What a call to endpoint `K` can fail with: `StaleDraft` only where the
 * table documents it (the draft's `:test` and `:evaluate`).
 */
export type ErrorOf<K extends EndpointName> = "StaleDraft" extends Endpoints[K]["errors"][keyof Endpoints[K]["errors"]]
  ? FruxonError.FruxonError
  : FruxonError.CallError

type Methods = {
  readonly [K in EndpointName]: (args: Endpoint.Args<Endpoints[K]>) => Effect.Effect<Endpoint.Success<Endpoints[K]>, ErrorOf<K>>
}

type PagedName = PagedList.PagedName

type PagedMethods = {
  /** Every item, page after page, fetched as the stream is pulled. */
  readonly [K in PagedName]: (args: PagedList.ListArgs<K>) => Stream.Stream<PagedList.ItemOf<K>, ErrorOf<K>>
} & {
  /** One page (`pageToken` picks which). */
  readonly [K in PagedName as `${K}Page`]: (
    args: PagedList.ListArgs<K>
  ) => Effect.Effect<Endpoint.Success<Endpoints[K]>, ErrorOf<K>>
}

type AddToDatasetsArgs = Endpoint.Args<Endpoints["addToDatasets"]>

/** What a deduplicating `addToDatasets` did. */
export interface DedupedAddToDatasets {
  readonly created: ReadonlyArray<EvaluationSample>
  /** Datasets that already held a sample of this execution: nothing was added there. */
  readonly skipped: ReadonlyArray<{ readonly datasetId: string; readonly existing: ExecutionRecordSample }>
}

export type RunRef = Endpoint.PathParams<Endpoints["getEvaluationRun"]>

export interface Client extends Omit<Methods, PagedName | "addToDatasets">, PagedMethods {
  /**
   * Snapshot an execution into datasets. With `dedupe: true` the execution's
   * samples are read first and only datasets without one get a new sample.
   */
  readonly addToDatasets: {
    (args: AddToDatasetsArgs & { readonly dedupe?: false | undefined }): Effect.Effect<
      ReadonlyArray<EvaluationSample>,
      FruxonError.CallError
    >
    (args: AddToDatasetsArgs & { readonly dedupe: true }): Effect.Effect<DedupedAddToDatasets, FruxonError.CallError>
  }
  /** Wait for a run to end, following it by push where the server offers it (`RunWatcher`). */
  readonly awaitEvaluationRun: (
    run: RunRef,
    options?: RunWatcher.Options
  ) => Effect.Effect<EvaluationRun, FruxonError.CallError | AwaitRun.EvaluationRunTimeout>
  /** Every change of a run (status or progress), ending with its terminal snapshot. */
  readonly watchEvaluationRun: (
    run: RunRef,
    options?: RunWatcher.Options
  ) => Stream.Stream<EvaluationRun, FruxonError.CallError | AwaitRun.EvaluationRunTimeout>
  /** `:evaluate`, then wait for the run to end. */
  readonly evaluateAndWait: (
    args: Endpoint.Args<Endpoints["evaluate"]>,
    options?: RunWatcher.Options
  ) => Effect.Effect<EvaluationRun, FruxonError.CallError | AwaitRun.EvaluationRunTimeout>
  /** Any endpoint of the table, with its headers. */
  readonly call: <E extends Endpoint.Any>(
    endpoint: E,
    args: Endpoint.Args<E>
  ) => Effect.Effect<Answer<Endpoint.Success<E>>, FruxonError.FruxonError>
}

export class FruxonClient extends Context.Tag("@fruxkit/core/FruxonClient")<FruxonClient, Client>() {}

// ---- building requests ----

const reveal = (secret: Redacted.Redacted<string> | string | undefined): string | undefined =>
  secret === undefined ? undefined : typeof secret === "string" ? secret : Redacted.value(secret)

const strictEncode = { errors: "all", onExcessProperty: "error" } as const

const invalid = (request: FruxonError.RequestInfo, errors: ReadonlyArray<{ path: string; message: string }>) =>
  new FruxonError.InvalidRequest({ request, status: 0, errors, problem: undefined })

const fieldErrors = RequestDecoding.fieldErrorsOf

/** Check path parameters the way servers will, so a bad id is refused before it is sent. */
const validatePath = (endpoint: Endpoint.Any, args: Record<string, unknown>) => {
  const errors: Array<{ path: string; message: string }> = []
  const params: Record<string, string> = {}
  for (const name of Route.paramNames(endpoint.path)) {
    const value = args[name]
    if (value === undefined || value === null || value === "") {
      errors.push({ path: `path.${name}`, message: "is required" })
      continue
    }
    const text = String(value)
    const schema = RequestDecoding.pathParamSchemas[name] ?? RequestDecoding.PathSegment
    const result = Schema.decodeUnknownEither(schema)(text)
    if (Either.isLeft(result)) {
      errors.push({ path: `path.${name}`, message: ParseResult.TreeFormatter.formatErrorSync(result.left) })
    }
    params[name] = text
  }
  return { params, errors }
}

const toSearchParams = (encoded: unknown): URLSearchParams => {
  const params = new URLSearchParams()
  if (typeof encoded !== "object" || encoded === null) return params
  for (const [key, value] of Object.entries(encoded)) {
    if (value === undefined || value === null) continue
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item))
    else params.append(key, String(value))
  }
  return params
}

const headersOf = (response: HttpClientResponse.HttpClientResponse): Record<string, string> => ({
  ...response.headers
})

/** One compiled response decoder per schema, made on first use (`ResponseDecoding`). */
const decoders = new WeakMap<Schema.Schema<unknown>, ReturnType<typeof ResponseDecoding.decodeResponse<unknown, unknown>>>()
const decoderOf = (schema: Schema.Schema<unknown>) => {
  let decoder = decoders.get(schema)
  if (decoder === undefined) decoders.set(schema, (decoder = ResponseDecoding.decodeResponse(schema)))
  return decoder
}

const readBody = (response: HttpClientResponse.HttpClientResponse) =>
  Effect.map(response.text, (text) => {
    if (text.length === 0) return { text, json: undefined as unknown, parsed: true }
    try {
      return { text, json: JSON.parse(text) as unknown, parsed: true }
    } catch {
      return { text, json: undefined as unknown, parsed: false }
    }
  })

/**
 * `fromResponse` makes `StaleDraft` only for `testDraft` and `evaluateDraft`; every other call's
 * error channel is narrowed to say so.
 */
const notStale = <A, E, R>(effect: Effect.Effect<A, E | FruxonError.StaleDraft, R>) => effect as Effect.Effect<A, E, R>
const notStaleStream = <A, E, R>(stream: Stream.Stream<A, E | FruxonError.StaleDraft, R>) => stream as Stream.Stream<A, E, R>

export const make = (config: Config): Effect.Effect<Client, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const http = yield* HttpClient.HttpClient
    const baseUrl = config.baseUrl.replace(/\/+$/, "")
    const timeout = Duration.decode(config.timeout ?? DEFAULT_TIMEOUT)
    const retryOptions = RetryPolicy.make(config.retry)
    const budget = RetryPolicy.makeBudget(retryOptions)
    const token = reveal(config.token)
    const apiKey = reveal(config.apiKey)

    const attempt = <E extends Endpoint.Any>(
      endpoint: E,
      info: FruxonError.RequestInfo,
      request: HttpClientRequest.HttpClientRequest,
      timeout: Duration.Duration
    ): Effect.Effect<Answer<Endpoint.Success<E>>, FruxonError.FruxonError> =>
      http.execute(request).pipe(
        Effect.mapError((error): FruxonError.FruxonError => FruxonError.fromTransportFailure(info, error.cause)),
        Effect.flatMap((response) =>
          readBody(response).pipe(
            Effect.mapError(
              (): FruxonError.FruxonError =>
                new FruxonError.TransportError({ request: info, reachedServer: "unknown", code: "BODY_READ" })
            ),
            Effect.map((body) => ({ response, body }))
          )
        ),
        Effect.timeoutFail({
          duration: timeout,
          onTimeout: () => new FruxonError.RequestTimeout({ request: info, timeout: Duration.toMillis(timeout) })
        }),
        Effect.flatMap(({ response, body }) => {
          const status = response.status
          const headers = headersOf(response)
          const requestId = headers["x-request-id"]
          const text = body.text
          if (status < 200 || status >= 300) {
            return Effect.fail(
              ErrorProblem.fromResponse({
                request: info,
                status,
                body: body.parsed ? body.json : body.text,
                retryAfter: FruxonError.parseRetryAfter({ get: (name) => headers[name] }),
                requestId,
                documented: endpoint.errors
              })
            )
          }
          if (endpoint.success === undefined) {
            return Effect.succeed({ value: undefined as Endpoint.Success<E>, status, headers, body: text })
          }
          if (status === 204 || body.text.length === 0) {
            if (endpoint.noContentIsNull) return Effect.succeed({ value: null as Endpoint.Success<E>, status, headers, body: text })
            return Effect.fail(
              new FruxonError.ResponseDecodeError({
                request: info,
                status,
                errors: [{ path: "body", message: "expected a JSON body, got none" }],
                requestId
              })
            )
          }
          if (!body.parsed) {
            return Effect.fail(
              new FruxonError.ResponseDecodeError({
                request: info,
                status,
                errors: [{ path: "body", message: "not valid JSON" }],
                requestId
              })
            )
          }
          const decoded = decoderOf(endpoint.success as Schema.Schema<unknown>)(body.json)
          return Either.isRight(decoded)
            ? Effect.succeed({ value: decoded.right as Endpoint.Success<E>, status, headers, body: text })
            : Effect.fail(
                new FruxonError.ResponseDecodeError({ request: info, status, errors: fieldErrors("body", decoded.left), requestId })
              )
        })
      )

    interface Prepared {
      readonly info: FruxonError.RequestInfo
      readonly request: HttpClientRequest.HttpClientRequest
      readonly idempotencyKey: string | undefined
    }

    /** The request for a call, checked the way servers will check it; a bad one is refused before it is sent. */
    const prepare = (
      endpoint: Endpoint.Any,
      args: unknown,
      callOptions: CallOptions
    ): Either.Either<Prepared, FruxonError.FruxonError> => {
      const input = args as Record<string, unknown>
      const { params, errors } = validatePath(endpoint, input)
      const path = errors.length === 0 ? Route.buildPath(endpoint.path, params) : endpoint.path
      const info: FruxonError.RequestInfo = { method: endpoint.method, url: path, endpoint: endpoint.name }
      if (errors.length > 0) return Either.left(invalid(info, errors))

      let request = HttpClientRequest.make(endpoint.method)(`${baseUrl}${path}`).pipe(
        HttpClientRequest.setHeader("accept", "application/json"),
        HttpClientRequest.setHeader("user-agent", config.userAgent ?? DEFAULT_USER_AGENT),
        HttpClientRequest.setHeaders(config.headers ?? {}),
        HttpClientRequest.setHeaders(callOptions.headers ?? {})
      )
      if (endpoint.auth === "apiKey" && apiKey !== undefined) {
        request = HttpClientRequest.setHeader(request, "x-api-key", apiKey)
      }
      if (token !== undefined) request = HttpClientRequest.setHeader(request, "authorization", `Bearer ${token}`)

      if (endpoint.query !== undefined && input.query !== undefined) {
        const encoded = Schema.encodeUnknownEither(endpoint.query, strictEncode)(input.query)
        if (Either.isLeft(encoded)) return Either.left(invalid(info, fieldErrors("query", encoded.left)))
        request = HttpClientRequest.setUrlParams(request, toSearchParams(encoded.right))
      }
      if (endpoint.body !== undefined) {
        const body = input.body ?? (endpoint.bodyRequired ? undefined : {})
        if (body === undefined) return Either.left(invalid(info, [{ path: "body", message: "is required" }]))
        const encoded = Schema.encodeUnknownEither(endpoint.body, strictEncode)(body)
        if (Either.isLeft(encoded)) return Either.left(invalid(info, fieldErrors("body", encoded.left)))
        request = HttpClientRequest.bodyUnsafeJson(request, encoded.right)
      }
      if (endpoint.ifMatch !== "none" && input.ifMatch !== undefined) {
        let formatted: string
        try {
          formatted = IfMatch.format(input.ifMatch as number | string)
        } catch {
          return Either.left(invalid(info, [{ path: "header.If-Match", message: "must be the draft version" }]))
        }
        request = HttpClientRequest.setHeader(request, "if-match", formatted)
      } else if (endpoint.ifMatch === "required") {
        return Either.left(invalid(info, [{ path: "ifMatch", message: "is required (the draft version)" }]))
      }
      const idempotencyKey = typeof input.idempotencyKey === "string" ? input.idempotencyKey : undefined
      if (idempotencyKey !== undefined) request = HttpClientRequest.setHeader(request, "idempotency-key", idempotencyKey)
      return Either.right({ info, request, idempotencyKey })
    }

    const call = <E extends Endpoint.Any>(
      endpoint: E,
      args: Endpoint.Args<E>
    ): Effect.Effect<Answer<Endpoint.Success<E>>, FruxonError.FruxonError> =>
      Effect.flatMap(FiberRef.get(currentCallOptions), (callOptions) => {
        const prepared = prepare(endpoint, args, callOptions)
        if (Either.isLeft(prepared)) return Effect.fail(prepared.left)
        const { info, request, idempotencyKey } = prepared.right

        const policy = RetryPolicy.schedule(
          callOptions.maxRetries === undefined ? retryOptions : { ...retryOptions, maxAttempts: callOptions.maxRetries + 1 },
          endpoint,
          {
            idempotencyKey: idempotencyKey !== undefined,
            budget,
            onRetry: config.onRetry && ((error, delay) => config.onRetry!({ endpoint: endpoint.name, error, delay }))
          }
        )
        const perAttempt = callOptions.timeout === undefined ? timeout : Duration.decode(callOptions.timeout)
        return attempt(endpoint, info, request, perAttempt).pipe(
          Effect.retry(policy),
          Effect.tap((answer) =>
            Effect.sync(() => {
              budget?.refund()
              callOptions.onAnswer?.(answer)
            })
          )
        )
      })

    const send = <E extends Endpoint.Any>(endpoint: E) => (args: Endpoint.Args<E>) =>
      Effect.map(call(endpoint, args), (answer) => answer.value)

    const onePage = <K extends PagedName>(name: K) => {
      const endpoint = Endpoints[name] as Endpoint.Any
      return (args: PagedList.ListArgs<K>) =>
        notStale(send(endpoint)(PagedList.argsFor(endpoint.paging!, args) as never)) as Effect.Effect<
          Endpoint.Success<Endpoints[K]>,
          FruxonError.CallError
        >
    }

    const paged = <K extends PagedName>(name: K) => {
      const endpoint = Endpoints[name] as Endpoint.Any
      const page = onePage(name)
      return (args: PagedList.ListArgs<K>): Stream.Stream<PagedList.ItemOf<K>, FruxonError.CallError> =>
        Stream.paginateChunkEffect(args.pageToken, (pageToken) =>
          page({ ...args, pageToken }).pipe(
            Effect.map((body) => {
              const { items, nextPageToken } = PagedList.contentsOf<PagedList.ItemOf<K>>(endpoint.paging!, body)
              return [Chunk.fromIterable(items), Option.fromNullable(nextPageToken)] as const
            })
          )
        )
    }

    const methods = Object.fromEntries(
      Object.entries(Endpoints).map(([name, endpoint]) => [name, send(endpoint as Endpoint.Any)])
    ) as unknown as Methods

    /**
     * A create the table marks `dedupe`, at most once per target: its
     * `existing` listing is read first (with the path parameters the two
     * share), and only the targets in the body's `targetsField` that no
     * existing item names in `existingKey` are sent on. Nothing here names an
     * endpoint or a field: the table's fact says them.
     */
    const dedupedCreate = (endpoint: Endpoint.Any, args: Readonly<Record<string, unknown>>) => {
      const fact = endpoint.dedupe!
      const call = methods as unknown as Record<string, (args: unknown) => Effect.Effect<unknown, FruxonError.CallError>>
      const existingArgs = Object.fromEntries(Route.paramNames(fact.existing.path).map((name) => [name, args[name]]))
      return Effect.gen(function* () {
        const existing = (yield* call[fact.existing.name]!(existingArgs)) as ReadonlyArray<Record<string, unknown>>
        const byTarget = new Map(existing.map((item) => [String(item[fact.existingKey]), item]))
        const body = (args.body ?? {}) as Readonly<Record<string, unknown>>
        const requested = [...new Set((body[fact.targetsField] as ReadonlyArray<string> | undefined) ?? [])]
        const skipped = requested.flatMap((target) => {
          const found = byTarget.get(target)
          return found ? [{ target, existing: found }] : []
        })
        const missing = requested.filter((target) => !byTarget.has(target))
        if (missing.length === 0 && requested.length > 0) return { created: [] as ReadonlyArray<unknown>, skipped }
        const created = (yield* call[endpoint.name]!({ ...args, body: { ...body, [fact.targetsField]: missing } })) as ReadonlyArray<unknown>
        return { created, skipped }
      })
    }

    const addToDatasets = ((args: AddToDatasetsArgs & { readonly dedupe?: boolean | undefined }) => {
      const { dedupe, ...rest } = args
      if (!dedupe) return methods.addToDatasets(rest as AddToDatasetsArgs)
      return Effect.map(
        dedupedCreate(Endpoints.addToDatasets, rest),
        ({ created, skipped }): DedupedAddToDatasets => ({
          created: created as ReadonlyArray<EvaluationSample>,
          skipped: skipped.map(({ target, existing }) => ({ datasetId: target, existing: existing as unknown as ExecutionRecordSample }))
        })
      )
    }) as Client["addToDatasets"]

    const offers = RunWatcher.makeOffers()

    /** The requests a run watch makes, for one run. */
    const runChannel = (run: RunRef): RunWatcher.Channel => {
      const endpoint = Endpoints.getEvaluationRun as Endpoint.Any
      const prepared = (callOptions: CallOptions) => prepare(endpoint, run, callOptions)
      const withPrepared = <A>(use: (prepared: Prepared, callOptions: CallOptions) => Effect.Effect<A, FruxonError.FruxonError>) =>
        Effect.flatMap(FiberRef.get(currentCallOptions), (callOptions) =>
          Either.match(prepared(callOptions), { onLeft: Effect.fail, onRight: (p) => use(p, callOptions) })
        )
      const report = (answer: Answer<unknown>, callOptions: CallOptions) => callOptions.onAnswer?.(answer)
      return {
        get: Effect.map(call(Endpoints.getEvaluationRun, run), (answer) => ({ run: answer.value, headers: answer.headers })),
        longPoll: (etag) =>
          withPrepared(({ info, request }, callOptions) => {
            let held = HttpClientRequest.setUrlParam(request, RunWatcher.wire.waitParam, `${RunWatcher.wire.longPollSeconds}s`)
            if (etag !== undefined) held = HttpClientRequest.setHeader(held, "if-none-match", etag)
            // The server holds the answer up to the wait: the attempt's timeout covers it.
            const holdTimeout = Duration.sum(timeout, Duration.seconds(RunWatcher.wire.longPollSeconds))
            return attempt(endpoint, info, held, holdTimeout).pipe(
              Effect.tap((answer) => report(answer, callOptions)),
              Effect.map((answer) => ({ run: answer.value as EvaluationRun, headers: answer.headers }))
            )
          }),
        events: (lastEventId) =>
          withPrepared(({ info, request }, callOptions) => {
            let stream = HttpClientRequest.appendUrl(request, RunWatcher.wire.eventsPathSuffix).pipe(
              HttpClientRequest.setHeader("accept", "text/event-stream")
            )
            if (lastEventId !== undefined) stream = HttpClientRequest.setHeader(stream, "last-event-id", lastEventId)
            const eventsInfo = { ...info, url: `${info.url}${RunWatcher.wire.eventsPathSuffix}` }
            return http.execute(stream).pipe(
              Effect.mapError((error): FruxonError.FruxonError => FruxonError.fromTransportFailure(eventsInfo, error.cause)),
              Effect.timeoutFail({
                duration: timeout,
                onTimeout: () => new FruxonError.RequestTimeout({ request: eventsInfo, timeout: Duration.toMillis(timeout) })
              }),
              Effect.flatMap((response) => {
                const headers = headersOf(response)
                const isStream = (headers["content-type"] ?? "").startsWith("text/event-stream")
                if (response.status >= 200 && response.status < 300 && isStream) {
                  report({ value: undefined, status: response.status, headers, body: "" }, callOptions)
                  return Effect.succeed(
                    response.stream.pipe(
                      Stream.mapError(
                        (): FruxonError.FruxonError =>
                          new FruxonError.TransportError({ request: eventsInfo, reachedServer: true, code: "SSE_DROPPED" })
                      )
                    )
                  )
                }
                return readBody(response).pipe(
                  Effect.orElseSucceed(() => ({ text: "", json: undefined as unknown, parsed: false })),
                  Effect.flatMap((body) =>
                    Effect.fail(
                      response.status >= 200 && response.status < 300
                        ? new FruxonError.ResponseDecodeError({
                            request: eventsInfo,
                            status: response.status,
                            errors: [{ path: "body", message: "expected text/event-stream" }],
                            requestId: headers["x-request-id"]
                          })
                        : ErrorProblem.fromResponse({
                            request: eventsInfo,
                            status: response.status,
                            body: body.parsed ? body.json : body.text,
                            retryAfter: FruxonError.parseRetryAfter({ get: (name) => headers[name] }),
                            requestId: headers["x-request-id"]
                          })
                    )
                  )
                )
              })
            )
          })
      }
    }

    const runInfo = (run: RunRef): FruxonError.RequestInfo => ({
      method: "GET",
      url: Route.buildPath(Endpoints.getEvaluationRun.path, { ...run }),
      endpoint: Endpoints.getEvaluationRun.name
    })

    const watchEvaluationRun: Client["watchEvaluationRun"] = (run, options) =>
      notStaleStream(RunWatcher.watch(runChannel(run), offers, runInfo(run), run.evaluationRun, options))

    const awaitEvaluationRun: Client["awaitEvaluationRun"] = (run, options) =>
      AwaitRun.lastOf(watchEvaluationRun(run, options), run.evaluationRun, options)

    const evaluateAndWait: Client["evaluateAndWait"] = (args, options) =>
      Effect.flatMap(methods.evaluate(args), (started) =>
        awaitEvaluationRun({ tenant: args.tenant, agent: args.agent, evaluationRun: started.id }, { ...options, initial: started })
      )

    const client: Client = {
      ...methods,
      listEvaluationRunSamples: paged("listEvaluationRunSamples"),
      listEvaluationRuns: paged("listEvaluationRuns"),
      listExecutionRecords: paged("listExecutionRecords"),
      listDatasetSamples: paged("listDatasetSamples"),
      listEvaluationRunSamplesPage: onePage("listEvaluationRunSamples"),
      listEvaluationRunsPage: onePage("listEvaluationRuns"),
      listExecutionRecordsPage: onePage("listExecutionRecords"),
      listDatasetSamplesPage: onePage("listDatasetSamples"),
      addToDatasets,
      awaitEvaluationRun,
      watchEvaluationRun,
      evaluateAndWait,
      call
    }
    return client
  })

/** The client from config, over any `HttpClient` (inject one in tests). */
export const layer = (config: Config): Layer.Layer<FruxonClient, never, HttpClient.HttpClient> =>
  Layer.effect(FruxonClient, make(config))

/**
 * The client over `fetch`: the global one, or any fetch-shaped function (the
 * gateway and the TUI pass the embedded backend's `app.fetch` here).
 */
export const layerFetch = (
  config: Config & { readonly fetch?: typeof globalThis.fetch | undefined }
): Layer.Layer<FruxonClient> =>
  layer(config).pipe(
    Layer.provide(FetchHttpClient.layer),
    Layer.provide(config.fetch ? Layer.succeed(FetchHttpClient.Fetch, config.fetch) : Layer.empty)
  )

/**
 * The client over an API in this process (the embedded backend's `handle`):
 * the same client, with no HTTP and no fetch under it (`InProcessApi`).
 */
export const layerInProcess = (config: Config & { readonly handler: InProcessApi.ApiHandler }): Layer.Layer<FruxonClient> =>
  layer(config).pipe(Layer.provide(InProcessApi.layer(config.handler)))
