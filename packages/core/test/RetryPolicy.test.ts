import { it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import { describe, expect } from "vitest"
import { addToDatasets, getEvaluationRun } from "../src/Endpoints.js"
import * as FruxonError from "../src/FruxonError.js"
import * as RetryPolicy from "../src/RetryPolicy.js"

const request = { method: "GET", url: "/x", endpoint: "getEvaluationRun" }
const problem = { status: 503 }
const unavailable = (retryAfter?: Duration.DurationInput) =>
  new FruxonError.Unavailable({ request, status: 503, problem, retryAfter: retryAfter ? Duration.toMillis(retryAfter) : undefined })
const serverError = new FruxonError.ServerError({ request, status: 500, problem: { status: 500 } })

/** Run an always-failing call under the schedule and record when (virtual ms) each attempt happened. */
const attemptTimes = (schedule: ReturnType<typeof RetryPolicy.schedule>, error: FruxonError.FruxonError) =>
  Effect.gen(function* () {
    const times: Array<number> = []
    const fiber = yield* Effect.fork(
      Clock.currentTimeMillis.pipe(
        Effect.tap((now) => Effect.sync(() => times.push(now))),
        Effect.zipRight(Effect.fail(error)),
        Effect.retry(schedule),
        Effect.either
      )
    )
    while ((yield* Fiber.poll(fiber))._tag === "None") yield* TestClock.adjust("1 second")
    yield* Fiber.join(fiber)
    return times.map((t) => t - times[0]!)
  })

describe("RetryPolicy.schedule", () => {
  it.effect("backs off exponentially from 500 ms, doubling, 3 attempts in all", () =>
    Effect.gen(function* () {
      const options = RetryPolicy.make({ jitter: false })
      const times = yield* attemptTimes(RetryPolicy.schedule(options, getEvaluationRun, { idempotencyKey: false }), serverError)
      expect(times).toEqual([0, 500, 1500])
    })
  )

  it.effect("caps the delay at maxDelay", () =>
    Effect.gen(function* () {
      const options = RetryPolicy.make({ jitter: false, maxAttempts: 6, maxDelay: "3 seconds" })
      const times = yield* attemptTimes(RetryPolicy.schedule(options, getEvaluationRun, { idempotencyKey: false }), serverError)
      const gaps = times.slice(1).map((t, i) => t - times[i]!)
      expect(gaps).toEqual([500, 1000, 2000, 3000, 3000])
    })
  )

  it.effect("keeps jittered delays within ±20% and under the cap", () =>
    Effect.gen(function* () {
      const options = RetryPolicy.make({ maxAttempts: 3 })
      const times = yield* attemptTimes(RetryPolicy.schedule(options, getEvaluationRun, { idempotencyKey: false }), serverError)
      expect(times).toHaveLength(3)
      const first = times[1]! - times[0]!
      const second = times[2]! - times[1]!
      expect(first).toBeGreaterThanOrEqual(400)
      expect(first).toBeLessThanOrEqual(600)
      expect(second).toBeGreaterThanOrEqual(800)
      expect(second).toBeLessThanOrEqual(1200)
    })
  )

  it.effect("lets Retry-After win, cut to maxRetryAfter", () =>
    Effect.gen(function* () {
      const options = RetryPolicy.make({ jitter: false })
      const honoured = yield* attemptTimes(RetryPolicy.schedule(options, getEvaluationRun, { idempotencyKey: false }), unavailable("7 seconds"))
      expect(honoured).toEqual([0, 7000, 14000])
      const capped = yield* attemptTimes(RetryPolicy.schedule(options, getEvaluationRun, { idempotencyKey: false }), unavailable("2 minutes"))
      expect(capped).toEqual([0, 60000, 120000])
    })
  )

  it.effect("does not retry a creating call on 503 without Retry-After, but does with one", () =>
    Effect.gen(function* () {
      const options = RetryPolicy.make({ jitter: false })
      const without = yield* attemptTimes(RetryPolicy.schedule(options, addToDatasets, { idempotencyKey: false }), unavailable())
      expect(without).toEqual([0])
      const withHint = yield* attemptTimes(RetryPolicy.schedule(options, addToDatasets, { idempotencyKey: false }), unavailable("1 second"))
      expect(withHint).toEqual([0, 1000, 2000])
      const keyed = yield* attemptTimes(RetryPolicy.schedule(options, addToDatasets, { idempotencyKey: true }), serverError)
      expect(keyed).toEqual([0, 500, 1500])
    })
  )

  it.effect("stops when the budget cannot pay for another retry", () =>
    Effect.gen(function* () {
      const options = RetryPolicy.make({ jitter: false, maxAttempts: 10 })
      const budget = new RetryPolicy.RetryBudget({ capacity: 12, retryCost: 5, successRefund: 1 })
      const times = yield* attemptTimes(RetryPolicy.schedule(options, getEvaluationRun, { idempotencyKey: false, budget }), serverError)
      expect(times).toHaveLength(3)
      expect(budget.available).toBe(2)
      budget.refund()
      expect(budget.available).toBe(3)
    })
  )
})

describe("RetryPolicy.isRetryable", () => {
  const transport = (reachedServer: boolean | "unknown") =>
    new FruxonError.TransportError({ request, reachedServer, code: undefined })
  it("retries reads on transient failures only", () => {
    expect(RetryPolicy.isRetryable(getEvaluationRun, serverError, { idempotencyKey: false })).toBe(true)
    expect(RetryPolicy.isRetryable(getEvaluationRun, transport("unknown"), { idempotencyKey: false })).toBe(true)
    const notFound = new FruxonError.NotFound({ request, status: 404, problem: {} })
    expect(RetryPolicy.isRetryable(getEvaluationRun, notFound, { idempotencyKey: false })).toBe(false)
    const requestTimeout = new FruxonError.UnexpectedStatus({ request, status: 408, problem: {} })
    expect(RetryPolicy.isRetryable(getEvaluationRun, requestTimeout, { idempotencyKey: false })).toBe(true)
  })
  it("retries creating calls only when safe", () => {
    expect(RetryPolicy.isRetryable(addToDatasets, transport(false), { idempotencyKey: false })).toBe(true)
    expect(RetryPolicy.isRetryable(addToDatasets, transport("unknown"), { idempotencyKey: false })).toBe(false)
    expect(RetryPolicy.isRetryable(addToDatasets, serverError, { idempotencyKey: false })).toBe(false)
    expect(RetryPolicy.isRetryable(addToDatasets, serverError, { idempotencyKey: true })).toBe(true)
  })
})

describe("RetryPolicy.retryDelay and Retry-After parsing", () => {
  it("computes the same backoff for code outside Effect", () => {
    const options = RetryPolicy.make({ jitter: false })
    expect([1, 2, 3, 6, 9].map((n) => Duration.toMillis(RetryPolicy.retryDelay(n, serverError, options)))).toEqual([
      500, 1000, 2000, 8000, 8000
    ])
    expect(Duration.toMillis(RetryPolicy.retryDelay(1, unavailable("3 seconds"), options))).toBe(3000)
    const jittered = Duration.toMillis(RetryPolicy.retryDelay(1, serverError, RetryPolicy.defaults, () => 1))
    expect(jittered).toBe(600)
  })
  it("reads seconds, HTTP dates and retry-after-ms", () => {
    const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name] })
    expect(Duration.toMillis(FruxonError.parseRetryAfter(headers({ "retry-after": "3" }))!)).toBe(3000)
    expect(Duration.toMillis(FruxonError.parseRetryAfter(headers({ "retry-after-ms": "250", "retry-after": "9" }))!)).toBe(250)
    const now = Date.parse("2026-11-23T12:00:00Z")
    expect(
      Duration.toMillis(FruxonError.parseRetryAfter(headers({ "retry-after": "Mon, 23 Nov 2026 12:00:05 GMT" }), now)!)
    ).toBe(5000)
    expect(FruxonError.parseRetryAfter(headers({ "retry-after": "soon" }))).toBeUndefined()
  })
  it("refuses a nonsensical policy", () => {
    expect(() => RetryPolicy.make({ maxAttempts: 0 })).toThrow(/maxAttempts/)
  })
})
