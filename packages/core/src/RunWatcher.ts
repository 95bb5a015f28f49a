/**
 * Watching an evaluation run by push where the server offers it. A fruxkit
 * gateway offers two extensions (apps/gateway/src/waiting/): the run's
 * Server-Sent Events (`GET …/evaluationRuns/{id}/events`: `event: run` per
 * change, `event: done` with the finished run, ids resumable with
 * `Last-Event-ID`) and a long-poll (`GET …/evaluationRuns/{id}?wait=25s`
 * with `If-None-Match: <etag>`, answering when the run changed, with a
 * `fruxkit-wait` header). The Fruxon API offers neither, so there the
 * polling schedule of `AwaitRun` runs.
 *
 * `auto` tries the event stream, then the long-poll, then polls, and
 * remembers per client what the server offered (a server answers the same
 * for every run), so only a client's first watch pays for the probing.
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as AwaitRun from "./AwaitRun.js"
import * as ErrorProblem from "./ErrorProblem.js"
import * as FruxonError from "./FruxonError.js"
import { EvaluationRun } from "./schema/EvaluationRun.js"

/** `auto` (default): events, else long-poll, else polling. The others force one way. */
export type Transport = "auto" | "events" | "longPoll" | "poll"

export interface Options extends AwaitRun.Options {
  readonly transport?: Transport | undefined
}

/** The gateway's wire for these extensions (apps/gateway/README.md, "Waiting" and "Server-Sent Events"). */
export const wire = {
  eventsPathSuffix: "/events",
  waitParam: "wait",
  waitOutcomeHeader: "fruxkit-wait",
  /** Seconds a long-poll asks to be held: under the gateway's default `--max-wait` (60 s). */
  longPollSeconds: 25
} as const

/** What the server was found to offer; one per client, shared by its watches. */
export interface Offers {
  events: boolean | undefined
  longPoll: boolean | undefined
}

export const makeOffers = (): Offers => ({ events: undefined, longPoll: undefined })

/** The requests a watch makes, bound by the client to one run. */
export interface Channel {
  /** GET the run (retried like any read). */
  readonly get: Effect.Effect<GetAnswer, FruxonError.FruxonError>
  /** GET the run as a long-poll: answers when it differs from `etag` (or the wait ran out). One attempt. */
  readonly longPoll: (etag: string | undefined) => Effect.Effect<GetAnswer, FruxonError.FruxonError>
  /** Open the run's event stream, resuming after `lastEventId`: its bytes, or the HTTP error. */
  readonly events: (lastEventId: string | undefined) => Effect.Effect<Stream.Stream<Uint8Array, FruxonError.FruxonError>, FruxonError.FruxonError>
}

export interface GetAnswer {
  readonly run: EvaluationRun
  readonly headers: Readonly<Record<string, string>>
}

/** A way of watching the server does not offer: the next one is tried. */
class NotOffered extends Data.TaggedError("NotOffered")<{ readonly error: FruxonError.FruxonError }> {}

/** Refusals that mean "no such route here" rather than "no such run". */
const refusesRoute = (error: FruxonError.FruxonError): boolean =>
  error._tag === "NotFound" ||
  error._tag === "InvalidRequest" ||
  (error._tag === "UnexpectedStatus" && (error.status === 405 || error.status === 406 || error.status === 501)) ||
  error._tag === "ResponseDecodeError"

// ---- Server-Sent Events ----

export interface SseEvent {
  readonly event: string
  readonly id: string | undefined
  readonly data: string
  readonly retry: number | undefined
}

interface SseState {
  readonly event: string
  readonly id: string | undefined
  readonly data: ReadonlyArray<string>
  readonly retry: number | undefined
}

const emptyState: SseState = { event: "", id: undefined, data: [], retry: undefined }

/** Server-Sent Events from a byte stream (the WHATWG rules that matter here: fields, comments, blank-line dispatch). */
export const parseEvents = <E>(bytes: Stream.Stream<Uint8Array, E>): Stream.Stream<SseEvent, E> =>
  bytes.pipe(
    Stream.decodeText(),
    Stream.splitLines,
    Stream.mapAccum(emptyState, (state, line): readonly [SseState, Option.Option<SseEvent>] => {
      if (line === "") {
        const dispatch = state.data.length > 0 || state.event !== ""
        const event: SseEvent = { event: state.event || "message", id: state.id, data: state.data.join("\n"), retry: state.retry }
        return [emptyState, dispatch ? Option.some(event) : Option.none()]
      }
      if (line.startsWith(":")) return [state, Option.none()]
      const colon = line.indexOf(":")
      const field = colon < 0 ? line : line.slice(0, colon)
      const value = colon < 0 ? "" : line.slice(colon + (line[colon + 1] === " " ? 2 : 1))
      switch (field) {
        case "event":
          return [{ ...state, event: value }, Option.none()]
        case "data":
          return [{ ...state, data: [...state.data, value] }, Option.none()]
        case "id":
          return [{ ...state, id: value }, Option.none()]
        case "retry":
          return [{ ...state, retry: /^\d+$/.test(value) ? Number(value) : state.retry }, Option.none()]
      }
      return [state, Option.none()]
    }),
    Stream.filterMap(identity)
  )

/** Made on first use (an event stream's first event), not at import: building Effect's decoder is work a start need not do. */
let runDecoder: ((data: string) => Either.Either<EvaluationRun, ParseResult.ParseError>) | undefined
const decodeRun = (data: string) => (runDecoder ??= Schema.decodeUnknownEither(Schema.parseJson(EvaluationRun)))(data)

/** How long a silent event stream is trusted: the gateway sends a heartbeat every 15 s. */
const IDLE_LIMIT = Duration.seconds(45)
/** Reconnects in a row (no event between them) before a watch gives up. */
const MAX_RECONNECTS = 8

const backoff = (failures: number): Duration.Duration => Duration.millis(Math.min(250 * 2 ** failures, 5_000))

const eventSource = (channel: Channel, offers: Offers, info: FruxonError.RequestInfo) => {
  const connect = (
    lastEventId: string | undefined,
    failures: number
  ): Stream.Stream<EvaluationRun, FruxonError.FruxonError | NotOffered> =>
    Stream.unwrap(
      Effect.gen(function* () {
        const opened = yield* Effect.either(channel.events(lastEventId))
        if (Either.isLeft(opened)) {
          const error = opened.left
          if (offers.events !== true && lastEventId === undefined && refusesRoute(error)) {
            return Stream.fail(new NotOffered({ error }))
          }
          if (AwaitRun.survivable(error) && failures < MAX_RECONNECTS) {
            yield* Effect.sleep(backoff(failures))
            return connect(lastEventId, failures + 1)
          }
          return Stream.fail(error)
        }
        offers.events = true
        const state = { lastEventId, retry: 1_000, seen: false }
        const runs = parseEvents(opened.right).pipe(
          Stream.timeoutFail(
            () => new FruxonError.TransportError({ request: info, reachedServer: true, code: "SSE_IDLE" }),
            IDLE_LIMIT
          ),
          Stream.mapEffect((event): Effect.Effect<Option.Option<EvaluationRun>, FruxonError.FruxonError> => {
            if (event.id !== undefined) state.lastEventId = event.id
            if (event.retry !== undefined) state.retry = event.retry
            switch (event.event) {
              case "run":
              case "done": {
                state.seen = true
                const run = decodeRun(event.data)
                return Either.isRight(run)
                  ? Effect.succeed(Option.some(run.right))
                  : Effect.fail(
                      new FruxonError.ResponseDecodeError({
                        request: info,
                        status: 200,
                        errors: [{ path: `event.${event.event}`, message: "not an EvaluationRun" }]
                      })
                    )
              }
              case "idle":
                // The gateway ends a stream that saw no change for its idle bound: a deliberate end, not a failed reconnect.
                state.seen = true
                return Effect.succeed(Option.none())
              case "error": {
                // The gateway's poller failed (unknown run, upstream down): its problem, as the typed error.
                let problem: unknown
                try {
                  problem = JSON.parse(event.data)
                } catch {
                  problem = event.data
                }
                const status = typeof (problem as { status?: unknown }).status === "number" ? (problem as { status: number }).status : 502
                return Effect.fail(ErrorProblem.fromResponse({ request: info, status, body: problem, retryAfter: undefined }))
              }
            }
            return Effect.succeed(Option.none())
          }),
          Stream.filterMap(identity),
          // A dropped connection (or a silent one) is resumed below; any other failure ends the watch.
          Stream.catchAll((error) => (error._tag === "TransportError" ? Stream.empty : Stream.fail(error)))
        )
        // The stream ended without the finished run (dropped, or the gateway shutting down): resume after the last event seen.
        const resume = Stream.unwrap(
          Effect.suspend(() => {
            const failuresNow = state.seen ? 0 : failures + 1
            if (failuresNow > MAX_RECONNECTS) {
              return Effect.fail(new FruxonError.TransportError({ request: info, reachedServer: true, code: "SSE_ENDED" }))
            }
            return Effect.as(Effect.sleep(Duration.millis(state.retry)), connect(state.lastEventId, failuresNow))
          })
        )
        return Stream.concat(runs, resume)
      })
    )
  return connect(undefined, 0)
}

// ---- long-poll ----

const longPollSource = (
  channel: Channel,
  offers: Offers,
  fallback: (first: EvaluationRun) => Stream.Stream<EvaluationRun, FruxonError.FruxonError>
): Stream.Stream<EvaluationRun, FruxonError.FruxonError | NotOffered> => {
  const step = (
    etag: string | undefined,
    failures: number
  ): Stream.Stream<EvaluationRun, FruxonError.FruxonError | NotOffered> =>
    Stream.unwrap(
      Effect.gen(function* () {
        const answered = yield* Effect.either(channel.longPoll(etag))
        if (Either.isLeft(answered)) {
          const error = answered.left
          if (offers.longPoll !== true && etag === undefined && error._tag === "InvalidRequest") {
            return Stream.fail(new NotOffered({ error }))
          }
          if (AwaitRun.survivable(error) && failures < MAX_RECONNECTS) {
            yield* Effect.sleep(backoff(failures))
            return step(etag, failures + 1)
          }
          return Stream.fail(error)
        }
        const { run, headers } = answered.right
        if (headers[wire.waitOutcomeHeader] === undefined) {
          // The server answered at once, ignoring `wait`: it polls, and this answer was the first poll.
          offers.longPoll = false
          return fallback(run)
        }
        offers.longPoll = true
        return Stream.concat(
          Stream.make(run),
          Stream.suspend(() => step(headers.etag ?? etag, 0))
        )
      })
    )
  return step(undefined, 0)
}

/**
 * Every change of a run, ending with its terminal snapshot, by the best way
 * the server offers. `initial` (a snapshot in hand) is reported first.
 */
export const watch = (
  channel: Channel,
  offers: Offers,
  info: FruxonError.RequestInfo,
  evaluationRun: string,
  options: Options = {}
): Stream.Stream<EvaluationRun, FruxonError.FruxonError | AwaitRun.EvaluationRunTimeout> => {
  const poll = Effect.map(channel.get, (answer) => ({
    run: answer.run,
    hint: FruxonError.parseRetryAfter({ get: (name) => answer.headers[name] })
  }))
  const polling = (first: EvaluationRun | undefined) => AwaitRun.pollSnapshots(poll, { ...options, initial: first })
  const withInitial = <E>(source: Stream.Stream<EvaluationRun, E>) =>
    options.initial ? Stream.concat(Stream.make(options.initial), source) : source
  const orElse = (
    source: Stream.Stream<EvaluationRun, FruxonError.FruxonError | NotOffered>,
    next: () => Stream.Stream<EvaluationRun, FruxonError.FruxonError>,
    forced: boolean
  ): Stream.Stream<EvaluationRun, FruxonError.FruxonError> =>
    Stream.catchAll(source, (error) =>
      error instanceof NotOffered ? (forced ? Stream.fail(error.error) : next()) : Stream.fail(error)
    )

  const longPollThenPoll = (forced: boolean) =>
    orElse(longPollSource(channel, offers, (first) => polling(first)), () => polling(undefined), forced)

  let source: Stream.Stream<EvaluationRun, FruxonError.FruxonError>
  switch (options.transport ?? "auto") {
    case "poll":
      return AwaitRun.follow(polling(options.initial), evaluationRun, options)
    case "longPoll":
      source = withInitial(longPollThenPoll(true))
      break
    case "events":
      source = withInitial(orElse(eventSource(channel, offers, info), () => Stream.empty, true))
      break
    case "auto": {
      const afterEvents = () => (offers.longPoll === false ? polling(undefined) : longPollThenPoll(false))
      if (offers.events === false) {
        source = offers.longPoll === false ? withInitial(polling(undefined)) : withInitial(afterEvents())
      } else {
        source = withInitial(
          orElse(eventSource(channel, offers, info), () => {
            // The run's event route is missing; the next request tells whether the run exists.
            return Stream.tap(afterEvents(), () => Effect.sync(() => void (offers.events = false)))
          }, false)
        )
      }
      break
    }
  }
  return AwaitRun.follow(source!, evaluationRun, options)
}
