/**
 * Per-request deadlines without a timer and an AbortController per request:
 * one sweeper per timeout middleware checks the open deadlines a few times a
 * second, and a `Deadline` is the smallest AbortSignal-shaped object undici
 * and the gateway's own waits accept. Measured on this machine: a
 * setTimeout + AbortController (Node's EventTarget) per request cost more
 * than routing and validation together.
 */

/** What upstream calls and waits listen to: a subset of AbortSignal. */
export interface AbortSignalLike {
  readonly aborted: boolean
  readonly reason: unknown
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void
  removeEventListener(type: "abort", listener: () => void): void
}

export class Deadline implements AbortSignalLike {
  aborted = false
  reason: unknown = undefined
  private listeners: Array<() => void> | undefined
  private signal: AbortSignal | undefined

  addEventListener(_type: "abort", listener: () => void): void {
    ;(this.listeners ??= []).push(listener)
  }

  removeEventListener(_type: "abort", listener: () => void): void {
    const index = this.listeners?.indexOf(listener) ?? -1
    if (index >= 0) this.listeners!.splice(index, 1)
  }

  abort(reason: unknown): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    const listeners = this.listeners ?? []
    this.listeners = undefined
    for (const listener of listeners) listener()
  }
}

/** A real AbortSignal for APIs that insist on one (WHATWG fetch, Effect runtimes). */
export const toAbortSignal = (like: AbortSignalLike | undefined): AbortSignal | undefined => {
  if (like === undefined || like instanceof AbortSignal) return like as AbortSignal | undefined
  const controller = new AbortController()
  if (like.aborted) controller.abort(like.reason)
  else like.addEventListener("abort", () => controller.abort(like.reason))
  return controller.signal
}

interface Entry {
  readonly at: number
  readonly deadline: Deadline
  readonly reason: () => unknown
}

export class DeadlineSweeper {
  private readonly entries = new Set<Entry>()
  private timer: ReturnType<typeof setInterval> | undefined

  constructor(private readonly resolutionMs: number) {}

  /** A deadline `ms` from now; call the returned function when the request is done. */
  start(ms: number, reason: () => unknown): { readonly deadline: Deadline; readonly done: () => void } {
    const entry: Entry = { at: performance.now() + ms, deadline: new Deadline(), reason }
    this.entries.add(entry)
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.sweep(), this.resolutionMs)
      this.timer.unref?.()
    }
    return { deadline: entry.deadline, done: () => this.entries.delete(entry) }
  }

  private sweep(): void {
    const now = performance.now()
    for (const entry of this.entries) {
      if (entry.at > now) continue
      this.entries.delete(entry)
      entry.deadline.abort(entry.reason())
    }
    if (this.entries.size === 0 && this.timer !== undefined) {
      clearInterval(this.timer)
      this.timer = undefined
    }
  }
}
