/**
 * The client for code that does not use Effect: the same methods and the
 * same argument objects, as async functions. Each takes an optional
 * `{ signal }` to abort. Failures throw the same error classes the Effect
 * client fails with (`FruxonError.NotFound`, `StaleDraft`, …), so
 * `instanceof` and `error._tag` both work.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as ManagedRuntime from "effect/ManagedRuntime"
import type * as Stream from "effect/Stream"
import type * as Endpoint from "./Endpoint.js"
import { Endpoints, type EndpointName } from "./Endpoints.js"
import * as FruxonClient from "./FruxonClient.js"
import type * as AwaitRun from "./AwaitRun.js"
import type { PageOf } from "./schema/Paging.js"

export * as FruxonError from "./FruxonError.js"
export { EvaluationRunTimeout } from "./AwaitRun.js"

export interface CallOptions {
  readonly signal?: AbortSignal | undefined
}

export interface PromiseClientConfig extends FruxonClient.Config {
  /** Any fetch-shaped function; default the global `fetch`. */
  readonly fetch?: typeof globalThis.fetch | undefined
}

type PagedName = "listEvaluationRunSamples" | "listEvaluationRuns" | "listExecutionRecords" | "listDatasetSamples"

type Promised<F> = F extends (...args: infer A) => Effect.Effect<infer R, any, any>
  ? (...args: [...A, options?: CallOptions]) => Promise<R>
  : F extends (...args: infer A) => Stream.Stream<infer R, any, any>
    ? (...args: [...A, options?: CallOptions]) => AsyncIterable<R>
    : never

type Plain = Omit<FruxonClient.Client, "addToDatasets" | "call">

export type PromiseClient = { readonly [K in keyof Plain]: Promised<Plain[K]> } & {
  readonly addToDatasets: {
    (
      args: Endpoint.Args<Endpoints["addToDatasets"]> & { readonly dedupe?: false | undefined },
      options?: CallOptions
    ): Promise<ReadonlyArray<import("./schema/EvaluationSample.js").EvaluationSample>>
    (
      args: Endpoint.Args<Endpoints["addToDatasets"]> & { readonly dedupe: true },
      options?: CallOptions
    ): Promise<FruxonClient.DedupedAddToDatasets>
  }
  /** Release the client's resources. */
  readonly close: () => Promise<void>
}

/** An abort: `name` is "AbortError", like fetch's. */
const abortError = (): Error => {
  const error = new Error("The operation was aborted")
  error.name = "AbortError"
  return error
}

export const createFruxonClient = (config: PromiseClientConfig): PromiseClient => {
  const runtime = ManagedRuntime.make(FruxonClient.layerFetch(config))

  const run = async <A>(
    use: (client: FruxonClient.Client) => Effect.Effect<A, unknown>,
    options?: CallOptions
  ): Promise<A> => {
    const exit = await runtime.runPromiseExit(
      Effect.flatMap(FruxonClient.FruxonClient, use),
      options?.signal ? { signal: options.signal } : undefined
    )
    if (Exit.isSuccess(exit)) return exit.value
    if (Cause.isInterruptedOnly(exit.cause)) throw abortError()
    throw Cause.squash(exit.cause)
  }

  /** Pages one at a time, so a consumer that stops early stops the requests. */
  const iterate = (name: PagedName) =>
    async function* (args: Record<string, unknown>, options?: CallOptions): AsyncGenerator<unknown> {
      let query = args.query as Record<string, unknown> | undefined
      for (;;) {
        const page = (await run(
          (client) => (client[`${name}Page`] as (a: unknown) => Effect.Effect<PageOf<unknown>, unknown>)({ ...args, query }),
          options
        )) as PageOf<unknown>
        yield* page.items
        if (!page.nextPageToken || page.items.length === 0) return
        query = { ...query, "PageToken.Skip": undefined, "PageToken.Cursor": page.nextPageToken }
      }
    }

  const paged: ReadonlySet<string> = new Set<PagedName>([
    "listEvaluationRunSamples",
    "listEvaluationRuns",
    "listExecutionRecords",
    "listDatasetSamples"
  ])

  const methods: Record<string, unknown> = {}
  // How many arguments each method takes before the trailing `{ signal }`.
  const arity = new Map<string, number>([
    ...(Object.keys(Endpoints) as Array<EndpointName>)
      .filter((name) => !paged.has(name))
      .map((name): [string, number] => [name, 1]),
    ...[...paged].map((name): [string, number] => [`${name}Page`, 1]),
    ["addToDatasets", 1],
    ["awaitEvaluationRun", 2],
    ["evaluateAndWait", 2]
  ])
  for (const [name, count] of arity) {
    methods[name] = (...args: Array<unknown>) => {
      const options = args[count] as CallOptions | undefined
      const method = (client: FruxonClient.Client) =>
        (client[name as keyof FruxonClient.Client] as (...a: Array<unknown>) => Effect.Effect<unknown, unknown>)(
          ...args.slice(0, count)
        )
      return run(method, options)
    }
  }
  for (const name of paged) methods[name] = iterate(name as PagedName)
  methods.watchEvaluationRun = async function* (args: unknown, watchOptions?: AwaitRun.Options, options?: CallOptions) {
    // Snapshots are handed over through onProgress; the generator yields them in order.
    const queue: Array<unknown> = []
    let wake: (() => void) | undefined
    let done = false
    let failure: unknown
    const finished = run(
      (client) =>
        client.awaitEvaluationRun(args as FruxonClient.RunRef, {
          ...watchOptions,
          onProgress: (snapshot) => {
            watchOptions?.onProgress?.(snapshot)
            queue.push(snapshot)
            wake?.()
          }
        }),
      options
    ).then(
      () => {
        done = true
        wake?.()
      },
      (error) => {
        failure = error
        done = true
        wake?.()
      }
    )
    for (;;) {
      if (queue.length > 0) {
        yield queue.shift()
        continue
      }
      if (done) break
      await new Promise<void>((resolve) => (wake = resolve))
      wake = undefined
    }
    await finished
    if (failure !== undefined) throw failure
  }
  methods.close = () => runtime.dispose()
  return methods as unknown as PromiseClient
}
