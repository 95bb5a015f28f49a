/**
 * Waiting on a run through the shared pollers: `?wait=` on `:evaluate`
 * (until the run ends) and on GET run (until its status or progress changes).
 */
import type { EvaluationRun } from "@fruxkit/core"
import type { AbortSignalLike } from "../deadline.js"
import { GatewayProblem } from "../problem.js"
import type { RunKey, RunSnapshot, RunWatchers } from "./run-watchers.js"

export interface WaitOptions {
  /** `terminal`: until the run ends. `change`: until its version differs from `baseline`. */
  readonly until: "terminal" | "change"
  /** For `change`: the version the client already has (its If-None-Match). Default: the first snapshot seen. */
  readonly baseline?: string | undefined
  readonly waitMs: number
  readonly signal?: AbortSignalLike | undefined
  /** A snapshot already in hand, to seed a new poller. */
  readonly initial?: EvaluationRun | undefined
}

export interface WaitResult {
  readonly snapshot: RunSnapshot
  /** Whether what was waited for happened (else the wait ran out). */
  readonly reached: boolean
}

export const waitForRun = (watchers: RunWatchers, key: RunKey, options: WaitOptions): Promise<WaitResult> =>
  new Promise<WaitResult>((resolve, reject) => {
    let baseline = options.baseline
    let latest: RunSnapshot | undefined
    let settled = false
    const finish = (outcome: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      options.signal?.removeEventListener("abort", onAbort)
      unsubscribe()
      outcome()
    }
    const timer = setTimeout(
      () =>
        finish(() =>
          latest !== undefined
            ? resolve({ snapshot: latest, reached: false })
            : reject(new GatewayProblem(504, "gateway-timeout", "Gateway timeout", "the run could not be read within the wait"))
        ),
      options.waitMs
    )
    const onAbort = () => finish(() => reject(options.signal!.reason))
    options.signal?.addEventListener("abort", onAbort, { once: true })

    const unsubscribe = watchers.subscribe(
      key,
      {
        onSnapshot: (snapshot) => {
          latest = snapshot
          if (snapshot.terminal) return finish(() => resolve({ snapshot, reached: true }))
          if (options.until === "change") {
            if (baseline === undefined) baseline = snapshot.version
            else if (snapshot.version !== baseline) finish(() => resolve({ snapshot, reached: true }))
          }
        },
        onError: (error) => finish(() => reject(error))
      },
      options.initial
    )
  })
