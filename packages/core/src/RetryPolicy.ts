/**
 * When a failed call is sent again, and after how long.
 *
 * Reads (`safe` endpoints) retry on transient failure. Creating calls retry
 * only when a repeat cannot create twice: the request provably never reached
 * the server, the server itself asked for a retry (429/503 with Retry-After),
 * or the caller sent an idempotency key. Backoff is exponential with jitter
 * and a cap; a server's Retry-After wins (up to `maxRetryAfter`). A
 * client-wide token bucket keeps an outage from being multiplied by retries.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { identity } from "effect/Function"
import * as Schedule from "effect/Schedule"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import type * as Endpoint from "./Endpoint.js"
import type { FruxonError } from "./FruxonError.js"

export interface BudgetOptions {
  /** Tokens in a full bucket. */
  readonly capacity: number
  /** Tokens a retry takes. */
  readonly retryCost: number
  /** Tokens a success gives back. */
  readonly successRefund: number
}

export interface Options {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number
  readonly baseDelay: Duration.DurationInput
  readonly factor: number
  readonly maxDelay: Duration.DurationInput
  readonly jitter: boolean
  /** The longest server-requested wait honoured; longer ones are cut to this. */
  readonly maxRetryAfter: Duration.DurationInput
  /** `false` turns the retry budget off. */
  readonly budget: BudgetOptions | false
}

export const defaults: Options = {
  maxAttempts: 3,
  baseDelay: "500 millis",
  factor: 2,
  maxDelay: "8 seconds",
  jitter: true,
  maxRetryAfter: "60 seconds",
  budget: { capacity: 50, retryCost: 5, successRefund: 1 }
}

export const make = (overrides: Partial<Options> = {}): Options => {
  const options = { ...defaults, ...overrides }
  if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1) {
    throw new Error(`retry.maxAttempts must be a whole number ≥ 1, got ${options.maxAttempts}`)
  }
  if (!(options.factor >= 1)) throw new Error(`retry.factor must be ≥ 1, got ${options.factor}`)
  return options
}

/** A token bucket shared by every call of one client. */
export class RetryBudget {
  private tokens: number
  constructor(readonly options: BudgetOptions) {
    this.tokens = options.capacity
  }
  get available(): number {
    return this.tokens
  }
  /** Take the cost of one retry; `false` when the bucket cannot pay for it. */
  tryAcquire(): boolean {
    if (this.tokens < this.options.retryCost) return false
    this.tokens -= this.options.retryCost
    return true
  }
  refund(): void {
    this.tokens = Math.min(this.options.capacity, this.tokens + this.options.successRefund)
  }
}

export const makeBudget = (options: Options): RetryBudget | undefined =>
  options.budget === false ? undefined : new RetryBudget(options.budget)

/** The wait the server asked for, if the error carries one. */
export const retryAfterOf = (error: FruxonError): Duration.Duration | undefined =>
  (error._tag === "RateLimited" || error._tag === "Unavailable") && error.retryAfter !== undefined
    ? Duration.millis(error.retryAfter)
    : undefined

const isTransient = (error: FruxonError): boolean => {
  switch (error._tag) {
    case "TransportError":
    case "RequestTimeout":
    case "RateLimited":
    case "Unavailable":
    case "ServerError":
      return true
    case "UnexpectedStatus":
      return error.status === 408
    default:
      return false
  }
}

/** May this failure of this endpoint be sent again? */
export const isRetryable = (
  endpoint: Pick<Endpoint.Any, "retry">,
  error: FruxonError,
  context: { readonly idempotencyKey: boolean }
): boolean => {
  if (!isTransient(error)) return false
  if (error._tag === "TransportError" && error.reachedServer === false) return true
  if (endpoint.retry === "safe" || context.idempotencyKey) return true
  // A creating call the server may have seen: only when the server itself asked for a retry.
  if (error._tag === "RateLimited") return error.retryAfter !== undefined
  if (error._tag === "Unavailable") return error.status === 503 && error.retryAfter !== undefined
  return false
}

/**
 * The wait before retry number `retry` (1 for the first retry), for code
 * that is not written with Effect (the gateway's forwarding loop reads this).
 */
export const retryDelay = (
  retry: number,
  error: FruxonError | undefined,
  options: Options = defaults,
  random: () => number = Math.random
): Duration.Duration => {
  const requested = error === undefined ? undefined : retryAfterOf(error)
  if (requested !== undefined) return Duration.min(requested, Duration.decode(options.maxRetryAfter))
  const exponential = Duration.toMillis(options.baseDelay) * options.factor ** (retry - 1)
  const jittered = options.jitter ? exponential * (0.8 + 0.4 * random()) : exponential
  return Duration.millis(Math.min(jittered, Duration.toMillis(options.maxDelay)))
}

/**
 * The retry policy as an Effect `Schedule` over the errors of one endpoint:
 * exponential backoff with jitter and a cap, Retry-After first, only while
 * the error is retryable for that endpoint and the budget can pay.
 */
export const schedule = (
  options: Options,
  endpoint: Pick<Endpoint.Any, "retry">,
  context: {
    readonly idempotencyKey: boolean
    readonly budget?: RetryBudget | undefined
    readonly onRetry?: ((error: FruxonError, delay: Duration.Duration) => void) | undefined
  }
): Schedule.Schedule<unknown, FruxonError> => {
  const maxDelay = Duration.decode(options.maxDelay)
  const maxRetryAfter = Duration.decode(options.maxRetryAfter)
  return Schedule.exponential(options.baseDelay, options.factor).pipe(
    options.jitter ? Schedule.jittered : identity,
    Schedule.modifyDelay((_, delay) => Duration.min(delay, maxDelay)),
    Schedule.intersect(Schedule.recurs(options.maxAttempts - 1)),
    Schedule.intersect(Schedule.identity<FruxonError>()),
    Schedule.modifyDelay(([, error], delay) => {
      const requested = retryAfterOf(error)
      return requested === undefined ? delay : Duration.min(requested, maxRetryAfter)
    }),
    Schedule.whileInput((error: FruxonError) => isRetryable(endpoint, error, context)),
    Schedule.checkEffect(() => Effect.sync(() => context.budget?.tryAcquire() ?? true)),
    Schedule.onDecision(([, error], decision) =>
      decision._tag === "Continue" && context.onRetry
        ? Effect.map(Clock.currentTimeMillis, (now) =>
            context.onRetry!(error, Duration.millis(Math.max(0, ScheduleIntervals.start(decision.intervals) - now)))
          )
        : Effect.void
    )
  )
}
