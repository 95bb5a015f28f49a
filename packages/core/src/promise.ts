/**
 * The client for code that does not use Effect: the same calls as
 * `FruxonClient`, as Promises, in plain JavaScript terms — durations in
 * milliseconds, an `AbortSignal` per call, paged lists that can be awaited
 * (first page) or iterated (every item), and the HTTP response beside the
 * data (`.withResponse()`). Failures reject with the same error classes the
 * Effect client fails with; all of them are `instanceof FruxonError.FruxonError`.
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as ManagedRuntime from "effect/ManagedRuntime"
import type * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { ApiPromise, type WithResponse } from "./ApiPromise.js"
import type * as Endpoint from "./Endpoint.js"
import { Endpoints, type EndpointName } from "./Endpoints.js"
import * as FruxonClient from "./FruxonClient.js"
import type * as FruxonError from "./FruxonError.js"
import type * as InProcessApi from "./InProcessApi.js"
import * as PagedList from "./PagedList.js"
import { PagePromise } from "./PagePromise.js"
import type * as RetryPolicy from "./RetryPolicy.js"
import type * as RunWatcher from "./RunWatcher.js"
import type { EvaluationRun } from "./schema/EvaluationRun.js"
import type { EvaluationSample } from "./schema/EvaluationSample.js"

export * as FruxonError from "./FruxonError.js"
export { EvaluationRunTimeout } from "./AwaitRun.js"
export { ApiPromise, type WithResponse } from "./ApiPromise.js"
export { PagePromise, type ListPage } from "./PagePromise.js"

/** Per-call settings, the last argument of every method. */
export interface RequestOptions {
  /** Aborts the call; it rejects with the signal's reason (a `TimeoutError` for `AbortSignal.timeout(ms)`). */
  readonly signal?: AbortSignal | undefined
  /** Milliseconds per attempt; replaces the client's `timeout` for this call. */
  readonly timeout?: number | undefined
  /** Retries after the first attempt, for this call (`0`: none). */
  readonly maxRetries?: number | undefined
  /** Extra request headers for this call. */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/** @deprecated the former name of `RequestOptions`. */
export type CallOptions = RequestOptions

export interface RetryNotice {
  /** The endpoint's name in the table, e.g. `getEvaluationRun`. */
  readonly endpoint: string
  readonly error: FruxonError.FruxonError
  /** Milliseconds until the retry. */
  readonly delayMs: number
}

export interface PromiseClientConfig {
  /** The API's base URL: a fruxkit gateway (`http://127.0.0.1:8787`) or the Fruxon API. */
  readonly baseUrl: string
  /** Bearer token (a Fruxon JWT, or a gateway API key). Never appears in errors. */
  readonly token?: Redacted.Redacted<string> | string | undefined
  /** `X-API-KEY` for `executeAgent` (`:execute`). */
  readonly apiKey?: Redacted.Redacted<string> | string | undefined
  /** Milliseconds per attempt, body included. Default 30 000. */
  readonly timeout?: number | undefined
  /** Retries after the first attempt. Default 2. */
  readonly maxRetries?: number | undefined
  /** The whole retry policy (delays in milliseconds); `maxRetries` wins over its `maxAttempts`. */
  readonly retry?: Partial<RetryPolicy.Options> | undefined
  readonly userAgent?: string | undefined
  /** Headers on every request. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Called before each retry (for logs and metrics). */
  readonly onRetry?: ((notice: RetryNotice) => void) | undefined
  /** Any fetch-shaped function; default the global `fetch` (the embedded backend's in-process `fetch` works too). */
  readonly fetch?: typeof globalThis.fetch | undefined
  /**
   * An API in this process (the embedded backend's `handle`), called with
   * plain objects instead of `fetch`: no `Request`/`Response` is built, so
   * Node's fetch is never loaded. Wins over `fetch`; `baseUrl` is then only
   * a label.
   */
  readonly handler?: InProcessApi.ApiHandler | undefined
}

/** How to wait for a run (`awaitEvaluationRun`, `watchEvaluationRun`, `evaluateAndWait`); durations in milliseconds. */
export interface WaitOptions {
  /** Give up after this many milliseconds (rejects with `EvaluationRunTimeout`). Default 30 minutes; `Infinity` waits for ever. */
  readonly deadline?: number | undefined
  /** Polling only (a server without event stream or long-poll): the first wait. Default 250. */
  readonly initialDelay?: number | undefined
  /** Polling only: the longest wait between polls. Default 5 000. */
  readonly maxDelay?: number | undefined
  /** Polling only: growth of the wait between polls. Default 1.5. */
  readonly factor?: number | undefined
  /** Called with every new snapshot of the run. */
  readonly onProgress?: ((run: EvaluationRun) => void) | undefined
  /** A snapshot already in hand (e.g. `evaluate`'s answer): reported first. */
  readonly initial?: EvaluationRun | undefined
  /**
   * How to follow the run: `"auto"` (default) uses a fruxkit gateway's event
   * stream, else its long-poll, else polls (the Fruxon API); the others force one.
   */
  readonly transport?: RunWatcher.Transport | undefined
}

type Args<K extends EndpointName> = Endpoint.Args<Endpoints[K]>
type Data<K extends EndpointName> = Endpoint.Success<Endpoints[K]>
type Call<K extends EndpointName> = (args: Args<K>, options?: RequestOptions) => ApiPromise<Data<K>>
type List<K extends PagedList.PagedName> = (args: PagedList.ListArgs<K>, options?: RequestOptions) => PagePromise<PagedList.ItemOf<K>>
type OnePage<K extends PagedList.PagedName> = (args: PagedList.ListArgs<K>, options?: RequestOptions) => ApiPromise<Data<K>>
type RunRef = FruxonClient.RunRef

export interface PromiseClient {
  // ---- agents and revisions ----
  /** The tenant's agents (all of them; not paged). */
  readonly listAgents: Call<"listAgents">
  /** One agent. Rejects with `NotFound` for an unknown id. */
  readonly getAgent: Call<"getAgent">
  /** An agent's revisions, newest first. */
  readonly listRevisions: Call<"listRevisions">
  /** One revision of an agent. */
  readonly getRevision: Call<"getRevision">
  /** Create a revision (not active until deployed). Retried only with an `idempotencyKey`. */
  readonly createRevision: Call<"createRevision">
  /** Make a revision the agent's current one; resolves to the updated agent. */
  readonly deployRevision: Call<"deployRevision">
  // ---- drafts ----
  /** The draft forked from a revision, or `null` when there is none. */
  readonly getDraft: Call<"getDraft">
  /** Save the draft's head; pass `ifMatch` (its `version`) to refuse a stale write (`Conflict`). */
  readonly saveDraft: Call<"saveDraft">
  /** Run the draft's current head; `ifMatch` is its `version`. Rejects with `StaleDraft` (nothing ran) when the head moved on. */
  readonly testDraft: Call<"testDraft">
  /**
   * Evaluate the draft's current head (pinned for the run); `ifMatch` is its
   * `version`. Resolves at once with the run `PENDING`; rejects with
   * `StaleDraft` (nothing started) when the head moved on.
   */
  readonly evaluateDraft: Call<"evaluateDraft">
  // ---- execution records ----
  /** Execute the deployed revision synchronously (uses `apiKey`). */
  readonly executeAgent: Call<"executeAgent">
  /** Execution records, newest first: await for the first page, `for await` for every record. */
  readonly listExecutionRecords: List<"listExecutionRecords">
  /** One page of execution records, as the server sent it. */
  readonly listExecutionRecordsPage: OnePage<"listExecutionRecords">
  /** One execution record. */
  readonly getExecutionRecord: Call<"getExecutionRecord">
  /** An execution's step-by-step trace. */
  readonly getExecutionRecordTrace: Call<"getExecutionRecordTrace">
  /** An execution's parameters and result. */
  readonly getExecutionRecordResult: Call<"getExecutionRecordResult">
  /**
   * Snapshot an execution into datasets as new samples (never upserts). With
   * `dedupe: true` the execution's samples are read first and only datasets
   * without one get a sample.
   */
  readonly addToDatasets: {
    (args: Args<"addToDatasets"> & { readonly dedupe?: false | undefined }, options?: RequestOptions): ApiPromise<
      ReadonlyArray<EvaluationSample>
    >
    (args: Args<"addToDatasets"> & { readonly dedupe: true }, options?: RequestOptions): ApiPromise<FruxonClient.DedupedAddToDatasets>
  }
  /** The samples made from an execution (`[]` when none). */
  readonly listExecutionRecordSamples: Call<"listExecutionRecordSamples">
  /** Delete the samples made from an execution. */
  readonly deleteExecutionRecordSamples: Call<"deleteExecutionRecordSamples">
  // ---- evaluation ----
  /** Start an evaluation run; resolves at once with the run `PENDING` (see `evaluateAndWait`). */
  readonly evaluate: Call<"evaluate">
  /** One evaluation run as it is now. */
  readonly getEvaluationRun: Call<"getEvaluationRun">
  /** Evaluation runs, newest first: await for the first page, `for await` for every run. */
  readonly listEvaluationRuns: List<"listEvaluationRuns">
  /** One page of evaluation runs, as the server sent it. */
  readonly listEvaluationRunsPage: OnePage<"listEvaluationRuns">
  /** Cancel a run (`Conflict` when it already ended). */
  readonly cancelEvaluationRun: Call<"cancelEvaluationRun">
  /** A run's per-sample results: await for the first page, `for await` for every sample. */
  readonly listEvaluationRunSamples: List<"listEvaluationRunSamples">
  /** One page of a run's per-sample results, as the server sent it. */
  readonly listEvaluationRunSamplesPage: OnePage<"listEvaluationRunSamples">
  // ---- datasets ----
  /** An agent's datasets. */
  readonly listDatasets: Call<"listDatasets">
  /** Create a dataset. */
  readonly createDataset: Call<"createDataset">
  /** One dataset. */
  readonly getDataset: Call<"getDataset">
  /** A dataset's samples: await for the first page, `for await` for every sample. */
  readonly listDatasetSamples: List<"listDatasetSamples">
  /** One page of a dataset's samples, as the server sent it. */
  readonly listDatasetSamplesPage: OnePage<"listDatasetSamples">
  // ---- waiting ----
  /**
   * Wait for a run to end; resolves to its final snapshot (whatever the
   * status: check `run.status`). Follows the run by push when the server
   * offers it (see `watchEvaluationRun`).
   */
  readonly awaitEvaluationRun: (run: RunRef, wait?: WaitOptions, options?: RequestOptions) => ApiPromise<EvaluationRun>
  /**
   * Every change of a run (status or progress), ending with its final
   * snapshot: `for await (const run of client.watchEvaluationRun(ref)) …`.
   * Breaking out of the loop stops watching.
   */
  readonly watchEvaluationRun: (run: RunRef, wait?: WaitOptions, options?: RequestOptions) => AsyncIterable<EvaluationRun>
  /** `evaluate`, then `awaitEvaluationRun`: resolves to the finished run. */
  readonly evaluateAndWait: (args: Args<"evaluate">, wait?: WaitOptions, options?: RequestOptions) => ApiPromise<EvaluationRun>
  /** Release the client's resources (open connections, timers). */
  readonly close: () => Promise<void>
}

// A new endpoint in the table must get a (documented) method here: this line stops compiling otherwise.
type Missing = Exclude<EndpointName, keyof PromiseClient>
const everyEndpointHasAMethod: [Missing] extends [never] ? true : Missing = true
void everyEndpointHasAMethod

/** An abort without a reason of its own: `name` is "AbortError", like fetch's. */
const abortError = (): Error => {
  const error = new Error("The operation was aborted")
  error.name = "AbortError"
  return error
}

/** A call's answer as a fetch `Response` (a fresh one: its body can be read). */
const responseOf = (answer: FruxonClient.Answer<unknown> | undefined): Response => {
  if (answer === undefined) return new Response(null, { status: 204 })
  const noBody = answer.status === 204 || answer.status === 205 || answer.status === 304
  return new Response(noBody ? null : answer.body, { status: answer.status, headers: answer.headers })
}

/**
 * The data, with the answer as a `Response` made only when someone asks for
 * it: the first `Response` of a process loads Node's fetch (undici, ~25 ms
 * of CPU), which a CLI command on the in-process backend never needs.
 */
const withLazyResponse = <A>(data: A, answer: FruxonClient.Answer<unknown> | undefined): WithResponse<A> => {
  let response: Response | undefined
  return {
    data,
    get response() {
      return (response ??= responseOf(answer))
    }
  }
}

const waitOptionsOf = (wait: WaitOptions | undefined): RunWatcher.Options => ({
  ...(wait?.initialDelay !== undefined ? { initialDelay: wait.initialDelay } : {}),
  ...(wait?.maxDelay !== undefined ? { maxDelay: wait.maxDelay } : {}),
  ...(wait?.factor !== undefined ? { factor: wait.factor } : {}),
  ...(wait?.deadline !== undefined ? { deadline: wait.deadline } : {}),
  ...(wait?.onProgress !== undefined ? { onProgress: wait.onProgress } : {}),
  ...(wait?.initial !== undefined ? { initial: wait.initial } : {}),
  ...(wait?.transport !== undefined ? { transport: wait.transport } : {})
})

export const createFruxonClient = (config: PromiseClientConfig): PromiseClient => {
  const { fetch, handler, onRetry, maxRetries, retry, ...rest } = config
  const clientConfig: FruxonClient.Config = {
    ...rest,
    retry: maxRetries === undefined ? retry : { ...retry, maxAttempts: maxRetries + 1 },
    onRetry: onRetry && ((info) => onRetry({ endpoint: info.endpoint, error: info.error, delayMs: Math.round(Duration.toMillis(info.delay)) }))
  }
  const runtime = ManagedRuntime.make(
    handler !== undefined ? FruxonClient.layerInProcess({ ...clientConfig, handler }) : FruxonClient.layerFetch({ ...clientConfig, fetch })
  )

  /** Run one call of the Effect client; the data and the last HTTP answer it read. */
  const exchange = async <A>(
    use: (client: FruxonClient.Client) => Effect.Effect<A, unknown>,
    options: RequestOptions | undefined
  ): Promise<WithResponse<A>> => {
    let last: FruxonClient.Answer<unknown> | undefined
    const effect = Effect.flatMap(FruxonClient.FruxonClient, use).pipe(
      FruxonClient.withCallOptions({
        timeout: options?.timeout,
        maxRetries: options?.maxRetries,
        headers: options?.headers,
        onAnswer: (answer) => (last = answer)
      })
    )
    const signal = options?.signal
    const exit = await runtime.runPromiseExit(effect, signal ? { signal } : undefined)
    if (Exit.isSuccess(exit)) return withLazyResponse(exit.value, last)
    if (Cause.isInterruptedOnly(exit.cause)) throw signal?.aborted ? signal.reason : abortError()
    throw Cause.squash(exit.cause)
  }

  const call = <A>(use: (client: FruxonClient.Client) => Effect.Effect<A, unknown>, options: RequestOptions | undefined) =>
    new ApiPromise<A>(exchange(use, options))

  const list = (name: PagedList.PagedName) => {
    const paging = Endpoints[name].paging
    return (args: PagedList.ListArgs<typeof name>, options?: RequestOptions) =>
      PagePromise.load<unknown>(async (pageToken) => {
        const pageArgs = { ...args, ...(pageToken !== undefined ? { pageToken } : {}) }
        const exchanged = await exchange(
          (client) => (client[`${name}Page`] as (a: unknown) => Effect.Effect<unknown, unknown>)(pageArgs),
          options
        )
        const { items, nextPageToken } = PagedList.contentsOf<unknown>(paging, exchanged.data)
        const totalCount = (exchanged.data as { totalCount?: unknown }).totalCount
        return {
          get response() {
            return exchanged.response
          },
          items,
          nextPageToken,
          totalCount: typeof totalCount === "number" ? totalCount : items.length
        }
      }, undefined)
  }

  const methods: Record<string, unknown> = {}
  const paged: ReadonlySet<string> = new Set(PagedList.pagedNames)
  for (const name of Object.keys(Endpoints) as Array<EndpointName>) {
    if (paged.has(name)) continue
    methods[name] = (args: unknown, options?: RequestOptions) =>
      call((client) => (client[name] as (a: unknown) => Effect.Effect<unknown, unknown>)(args), options)
  }
  for (const name of PagedList.pagedNames) {
    methods[name] = list(name)
    methods[`${name}Page`] = (args: unknown, options?: RequestOptions) =>
      call((client) => (client[`${name}Page`] as (a: unknown) => Effect.Effect<unknown, unknown>)(args), options)
  }
  methods.addToDatasets = (args: Parameters<FruxonClient.Client["addToDatasets"]>[0], options?: RequestOptions) =>
    call((client) => client.addToDatasets(args as never) as Effect.Effect<unknown, unknown>, options)
  methods.awaitEvaluationRun = (run: RunRef, wait?: WaitOptions, options?: RequestOptions) =>
    call((client) => client.awaitEvaluationRun(run, waitOptionsOf(wait)), options)
  methods.evaluateAndWait = (args: Args<"evaluate">, wait?: WaitOptions, options?: RequestOptions) =>
    call((client) => client.evaluateAndWait(args, waitOptionsOf(wait)), options)
  methods.watchEvaluationRun = (run: RunRef, wait?: WaitOptions, options?: RequestOptions): AsyncIterable<EvaluationRun> => ({
    async *[Symbol.asyncIterator]() {
      const signal = options?.signal
      let snapshots = Stream.unwrap(
        Effect.map(FruxonClient.FruxonClient, (client) => client.watchEvaluationRun(run, waitOptionsOf(wait)))
      ) as Stream.Stream<EvaluationRun, unknown, FruxonClient.FruxonClient>
      if (signal !== undefined) {
        // An abort ends the stream with the signal's reason, as a fetch would.
        snapshots = Stream.interruptWhen(
          snapshots,
          Effect.async<never, unknown>((resume) => {
            const onAbort = () => resume(Effect.fail(signal.reason ?? abortError()))
            if (signal.aborted) onAbort()
            else signal.addEventListener("abort", onAbort, { once: true })
            return Effect.sync(() => signal.removeEventListener("abort", onAbort))
          })
        )
      }
      yield* Stream.toAsyncIterableRuntime(snapshots, await runtime.runtime())
    }
  })
  methods.close = () => runtime.dispose()
  return methods as unknown as PromiseClient
}
