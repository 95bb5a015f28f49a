/**
 * Waiting for an evaluation run to end, as a schedule rather than a loop:
 * poll at once, then soon (250 ms), backing off to a cap (5 s); a server's
 * Retry-After on a poll answer wins; transient failures skip a beat instead
 * of ending the wait; a deadline ends it with a typed error that carries the
 * last run seen; every change of status or progress is emitted; interrupting
 * the fiber stops the polling.
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import type * as FruxonError from "./FruxonError.js"
import * as RetryPolicy from "./RetryPolicy.js"
import { getEvaluationRun } from "./Endpoints.js"
import { isTerminalRunStatus, type EvaluationRun } from "./schema/EvaluationRun.js"

export interface Options {
  /** Wait before the first poll after the initial read. Default 250 ms. */
  readonly initialDelay?: Duration.DurationInput | undefined
  /** Growth of the wait between polls. Default 1.5. */
  readonly factor?: number | undefined
  /** The longest wait between polls. Default 5 s. */
  readonly maxDelay?: Duration.DurationInput | undefined
  /** Give up after this long. Default 30 minutes; `"infinity"` waits for ever. */
  readonly deadline?: Duration.DurationInput | undefined
  /** Called with every new snapshot (status or progress changed). */
  readonly onProgress?: ((run: EvaluationRun) => void) | undefined
  /** A snapshot already in hand (e.g. from `:evaluate`): emitted first, and the first poll waits. */
  readonly initial?: EvaluationRun | undefined
}

export const defaults = {
  initialDelay: Duration.millis(250),
  factor: 1.5,
  maxDelay: Duration.seconds(5),
  deadline: Duration.minutes(30)
} as const

export class EvaluationRunTimeout extends Data.TaggedError("EvaluationRunTimeout")<{
  readonly evaluationRun: string
  readonly waited: Duration.Duration
  readonly lastSeen: EvaluationRun | undefined
}> {
  override get message() {
    const status = this.lastSeen ? `; last seen ${this.lastSeen.status}` : ""
    return `evaluation run ${this.evaluationRun} did not end within ${Duration.format(this.waited)}${status}`
  }
}

/** One poll: the run, and the wait the server suggested before the next (Retry-After). */
export interface Poll {
  readonly run: EvaluationRun
  readonly hint: Duration.Duration | undefined
}

/** Two snapshots are the same step of progress when nothing a watcher shows has changed. */
export const sameProgress = (a: EvaluationRun, b: EvaluationRun): boolean =>
  a.status === b.status &&
  a.modifiedAt === b.modifiedAt &&
  (a.progress?.completedSamples ?? -1) === (b.progress?.completedSamples ?? -1) &&
  (a.progress?.failedSamples ?? -1) === (b.progress?.failedSamples ?? -1)

/** The wait between polls: exponential to a cap; a server hint replaces it (never below 50 ms). */
export const pollSchedule = (options: Options = {}): Schedule.Schedule<unknown, Option.Option<Poll>> => {
  const maxDelay = Duration.decode(options.maxDelay ?? defaults.maxDelay)
  return Schedule.exponential(options.initialDelay ?? defaults.initialDelay, options.factor ?? defaults.factor).pipe(
    Schedule.modifyDelay((_, delay) => Duration.min(delay, maxDelay)),
    Schedule.intersect(Schedule.identity<Option.Option<Poll>>()),
    Schedule.modifyDelay(([, poll], delay) =>
      Option.match(Option.flatMap(poll, (p) => Option.fromNullable(p.hint)), {
        onNone: () => delay,
        onSome: (hint) => Duration.max(Duration.millis(50), Duration.min(hint, maxDelay))
      })
    )
  )
}

export const survivable = (error: FruxonError.FruxonError): boolean =>
  RetryPolicy.isRetryable(getEvaluationRun, error, { idempotencyKey: false })

/**
 * Snapshots by polling: the first at once (or `initial`, without a request),
 * then on `pollSchedule`. Failures the retry policy calls transient are
 * skipped (a `None`), not the end of the wait.
 */
export const pollSnapshots = (
  poll: Effect.Effect<Poll, FruxonError.FruxonError>,
  options: Options = {}
): Stream.Stream<EvaluationRun, FruxonError.FruxonError> => {
  const pollOnce = poll.pipe(
    Effect.map(Option.some),
    Effect.catchIf(survivable, () => Effect.succeed(Option.none<Poll>()))
  )
  const firstPoll: Effect.Effect<Option.Option<Poll>, FruxonError.FruxonError> = options.initial
    ? Effect.succeed(Option.some({ run: options.initial, hint: undefined }))
    : pollOnce
  // The first scheduled poll comes `initialDelay` after the initial read.
  return Stream.concat(
    Stream.fromEffect(firstPoll),
    Stream.fromEffect(Effect.sleep(options.initialDelay ?? defaults.initialDelay)).pipe(
      Stream.flatMap(() => Stream.repeatEffectWithSchedule(pollOnce, pollSchedule(options)))
    )
  ).pipe(Stream.filterMap((poll) => Option.map(poll, (p) => p.run)))
}

/**
 * What every way of watching shares, over any source of snapshots: only
 * changes pass (status or progress), each is reported to `onProgress`, the
 * stream ends with the first terminal snapshot, and the deadline ends it
 * with `EvaluationRunTimeout` carrying the last run seen.
 */
export const follow = <E>(
  snapshots: Stream.Stream<EvaluationRun, E>,
  evaluationRun: string,
  options: Options = {}
): Stream.Stream<EvaluationRun, E | EvaluationRunTimeout> =>
  Stream.unwrap(
    Effect.gen(function* () {
      const lastSeen = yield* Ref.make<EvaluationRun | undefined>(options.initial)
      const deadline = Duration.decode(options.deadline ?? defaults.deadline)
      const changes = snapshots.pipe(
        Stream.changesWith(sameProgress),
        Stream.tap((run) =>
          Effect.zipRight(
            Ref.set(lastSeen, run),
            Effect.sync(() => options.onProgress?.(run))
          )
        ),
        Stream.takeUntil((run) => isTerminalRunStatus(run.status))
      )
      if (!Duration.isFinite(deadline)) return changes
      return changes.pipe(
        Stream.interruptWhen(
          Effect.sleep(deadline).pipe(
            Effect.zipRight(Ref.get(lastSeen)),
            Effect.flatMap((last) => Effect.fail(new EvaluationRunTimeout({ evaluationRun, waited: deadline, lastSeen: last })))
          )
        )
      )
    })
  )

/** Watch by polling alone (what a server without event stream or long-poll gets). */
export const watchRun = (
  poll: Effect.Effect<Poll, FruxonError.FruxonError>,
  evaluationRun: string,
  options: Options = {}
): Stream.Stream<EvaluationRun, FruxonError.FruxonError | EvaluationRunTimeout> =>
  follow(pollSnapshots(poll, options), evaluationRun, options)

/** The terminal snapshot of a watch. */
export const lastOf = <E>(
  watch: Stream.Stream<EvaluationRun, E | EvaluationRunTimeout>,
  evaluationRun: string,
  options: Options = {}
): Effect.Effect<EvaluationRun, E | EvaluationRunTimeout> =>
  watch.pipe(
    Stream.runLast,
    Effect.flatMap(
      Option.match({
        onSome: (run) => Effect.succeed(run),
        // The stream only ends without a value if it was cut before any snapshot.
        onNone: () =>
          Effect.fail(
            new EvaluationRunTimeout({
              evaluationRun,
              waited: Duration.decode(options.deadline ?? defaults.deadline),
              lastSeen: undefined
            })
          )
      })
    )
  )

/** Poll until the run ends; the terminal snapshot. */
export const awaitRun = (
  poll: Effect.Effect<Poll, FruxonError.FruxonError>,
  evaluationRun: string,
  options: Options = {}
): Effect.Effect<EvaluationRun, FruxonError.FruxonError | EvaluationRunTimeout> =>
  lastOf(watchRun(poll, evaluationRun, options), evaluationRun, options)
