/**
 * A deadline for an outbound call, combined with the caller's cancellation.
 *
 * Not `AbortSignal.any([signal, AbortSignal.timeout(ms)])`: on Node 20 the
 * timeout signal inside `any()` can be garbage-collected before it fires
 * (nodejs/node#57736), and the call then never times out. Measured here: an
 * external agent's 1 s timeout did not fire under GC pressure in the test
 * suite. A plain controller and a timer we hold do not have that problem.
 */
export class DeadlineExceeded extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`)
    this.name = "DeadlineExceeded"
  }
}

/**
 * Run `call` with a signal that aborts when `parent` aborts or `ms` pass.
 * Rejects with DeadlineExceeded when the deadline (not the parent) ended it;
 * with the parent's reason when the parent did.
 */
export const withDeadline = async <A>(
  parent: AbortSignal | undefined,
  ms: number,
  call: (signal: AbortSignal) => Promise<A>
): Promise<A> => {
  if (parent?.aborted) throw parent.reason
  const controller = new AbortController()
  // The error is made when the deadline passes: an Error captures a stack, and most calls end in time.
  const timer = setTimeout(() => controller.abort(new DeadlineExceeded(ms)), ms)
  const onParentAbort = () => controller.abort(parent!.reason)
  parent?.addEventListener("abort", onParentAbort, { once: true })
  try {
    return await call(controller.signal)
  } catch (error) {
    if (controller.signal.aborted) throw controller.signal.reason
    throw error
  } finally {
    clearTimeout(timer)
    parent?.removeEventListener("abort", onParentAbort)
  }
}
