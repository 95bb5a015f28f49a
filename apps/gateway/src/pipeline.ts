/**
 * A list of middleware composed once into one Hono handler, so Hono routes
 * a request to one handler per stage instead of one per middleware (the
 * /v1 pipeline: createGateway's list). The middleware are Hono's own
 * `(c, next)` functions and keep Hono's composition rules, as `app.use`
 * runs them: a returned Response becomes `c.res` unless the context is
 * already finalized; an error thrown in one middleware is answered there by
 * the error handler (`c.error` set, `c.res` the answer), so the middleware
 * around it resume as with any answer; after the last one, Hono's `next`.
 *
 * Why not one `app.use` each: Hono's compose runs every middleware inside an
 * async function that awaits it, so each one costs a promise and its
 * microtasks whether it does anything or not, and the router matches every
 * registration on every request (measured: see the README's throughput).
 * Here a middleware that returns `next()` costs one call and no promise.
 */
import type { Context, ErrorHandler, MiddlewareHandler } from "hono"
import type { GatewayEnv } from "./env.js"
import { requestState } from "./request-context.js"

type Step = MiddlewareHandler<GatewayEnv>

/**
 * Run `step` only for requests with one of these methods (the request's own: unlike Hono's routing, a
 * HEAD is not taken for a GET — no /v1 endpoint serves HEAD, validation refuses it before any of these); others go straight on.
 */
export const forMethods = (methods: ReadonlyArray<string>, step: Step): Step => {
  const only = new Set(methods)
  return function forMethods(c, next) {
    return only.has(c.req.method) ? step(c, next) : next()
  }
}

/** Run `step` only when `when(c)` holds; otherwise go straight on. */
export const onlyWhen = (when: (c: Context<GatewayEnv>) => boolean, step: Step): Step =>
  function onlyWhen(c, next) {
    return when(c) ? step(c, next) : next()
  }

/** Work for after the answer: one function per middleware, made once, given the request (no closure per request). */
type Later = (c: Context<GatewayEnv>) => void

/**
 * What a middleware does once the rest of the request is answered, whichever
 * way (errors are answered in place by then): `next()` followed by
 * `later(c)`. `later` is made once with the middleware, not per request: what
 * it needs of the request it reads from `c` and its RequestState (measured:
 * a closure per middleware per request cost more than the work it kept).
 * Under a pipeline made with `{ runsLater: true }` (createGateway's outer
 * one), `later` is kept on the request and that pipeline runs every kept
 * one, the last kept first (as nested `.then`s would unwind), when its own
 * work settles: one promise reaction per request instead of two per such
 * middleware (its `.then`, and the pipeline settling what it returned) —
 * measured: see the README's throughput. Elsewhere (a middleware on its own
 * with `app.use`), it is `next()` then `later(c)`, on failure too.
 */
export const afterAnswer = (c: Context<GatewayEnv>, next: () => Promise<void>, later: Later): Promise<void> => {
  const kept = requestState(c).later
  if (kept === undefined) {
    return next().then(
      () => later(c),
      (error: unknown) => {
        later(c)
        throw error
      }
    )
  }
  kept.push(later)
  return next()
}

export interface PipelineOptions {
  /** This pipeline runs what its middleware (and any pipeline inside it) keep with `afterAnswer`. */
  readonly runsLater?: boolean
}

export const pipeline = (steps: ReadonlyArray<Step>, onError: ErrorHandler<GatewayEnv>, options: PipelineOptions = {}): Step => {
  const count = steps.length
  const runsLater = options.runsLater === true
  return function pipeline(c, last) {
    /** An error thrown in a step: answered in place, as Hono's compose does. */
    const answerError = (error: unknown): void | Promise<void> => {
      if (!(error instanceof Error)) throw error
      c.error = error
      const answer = onError(error, c)
      if (answer instanceof Promise) {
        return answer.then((res) => {
          c.res = res
        })
      }
      c.res = answer
    }
    const settle = (res: Response | void): void => {
      if (res !== undefined && !c.finalized) c.res = res
    }
    const run = (index: number): Promise<void> => {
      if (index === count) return last()
      let result: Response | void | Promise<Response | void>
      let passed: Promise<void> | undefined
      try {
        result = steps[index]!(c, () => (passed = run(index + 1)))
      } catch (error) {
        return Promise.resolve(answerError(error))
      }
      // A step that went straight on (returned what `next()` gave it) has nothing to settle: the steps
      // after it answered their own errors. Most steps do, for most requests: no promise is added for them.
      if (result === passed) return passed
      if (result instanceof Promise) return result.then(settle, answerError)
      settle(result)
      return RESOLVED
    }
    if (!runsLater) return run(0)
    const kept: Array<Later> = []
    requestState(c).later = kept
    /** The kept work, the last kept first; one that throws is answered in place, as a middleware's error is. */
    const runKept = (from: number): void | Promise<void> => {
      for (let i = from; i >= 0; i--) {
        try {
          kept[i]!(c)
        } catch (error) {
          const answered = answerError(error)
          if (answered instanceof Promise) return answered.then(() => runKept(i - 1))
        }
      }
    }
    return run(0).then(
      () => runKept(kept.length - 1),
      (error: unknown) => {
        const answered = runKept(kept.length - 1)
        if (answered instanceof Promise) return answered.then(() => Promise.reject(error))
        throw error
      }
    )
  }
}

const RESOLVED: Promise<void> = Promise.resolve()
