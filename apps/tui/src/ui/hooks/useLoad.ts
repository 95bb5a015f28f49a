/** Load something from the API for a screen: loading / ready / failed, with reload; aborted on unmount. */
import { useCallback, useEffect, useRef, useState } from "react"
import { describeError, type Failure } from "../../describe-error.js"

export type Loaded<T> =
  | { readonly status: "loading"; readonly value: T | undefined }
  | { readonly status: "ready"; readonly value: T }
  | { readonly status: "failed"; readonly value: T | undefined; readonly failure: Failure }

export const useLoad = <T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: ReadonlyArray<unknown>
): Loaded<T> & { readonly reload: () => void } => {
  const [state, setState] = useState<Loaded<T>>({ status: "loading", value: undefined })
  const [generation, setGeneration] = useState(0)
  const loadRef = useRef(load)
  loadRef.current = load
  useEffect(() => {
    const controller = new AbortController()
    setState((previous) => ({ status: "loading", value: previous.value }))
    loadRef.current(controller.signal).then(
      (value) => {
        if (!controller.signal.aborted) setState({ status: "ready", value })
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState((previous) => ({ status: "failed", value: previous.value, failure: describeError(error) }))
      }
    )
    return () => controller.abort()
  }, [...deps, generation])
  const reload = useCallback(() => setGeneration((g) => g + 1), [])
  return { ...state, reload }
}

/**
 * A part of a screen that may be missing: datasets and revision listings are
 * fruxkit's own endpoints, and a remote Fruxon may answer 404 for them ("not
 * supported there"). The rest of the screen still shows; the part says why not.
 */
export type Part<T> = { readonly value: T; readonly missing: undefined } | { readonly value: T; readonly missing: Failure }

export const part = <T>(promise: Promise<T>, fallback: T): Promise<Part<T>> =>
  promise.then(
    (value) => ({ value, missing: undefined }),
    (error: unknown) => {
      const failure = describeError(error)
      // An abort is the screen going away, and a lost connection is the whole screen's problem: not hidden in a part.
      if (failure.kind === "aborted" || failure.kind === "unreachable") throw error
      return { value: fallback, missing: failure }
    }
  )

/** Read an AsyncIterable into an array, at most `limit` items (stops the paging there). */
export const take = async <T>(items: AsyncIterable<T>, limit: number): Promise<Array<T>> => {
  const out: Array<T> = []
  if (limit <= 0) return out
  for await (const item of items) {
    out.push(item)
    if (out.length >= limit) break
  }
  return out
}
