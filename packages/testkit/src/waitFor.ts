/**
 * The one way a test waits for something to become true: poll a check until
 * it gives a value (anything but `undefined`, `null` or `false`), or fail at a
 * deadline with what was last seen. Deadlines are generous on purpose — the
 * tests share two cores with other work — so a test asserts on what happened,
 * not on how fast.
 */

export interface WaitForOptions {
  /** Give up after this long (default 10 s). */
  readonly timeoutMs?: number
  /** Pause between checks (default 20 ms). */
  readonly intervalMs?: number
  /** What is awaited, for the error ("the gateway's listening line"). */
  readonly what?: string
  /** What the world looks like now, appended to the error (a screen, a log). */
  readonly describe?: () => string
}

export class WaitForTimeout extends Error {
  override readonly name = "WaitForTimeout"
}

type Found<A> = Exclude<A, undefined | null | false>

const isFound = <A>(value: A): value is Found<A> => value !== undefined && value !== null && value !== false

/** Resolve with the check's first found value; a check that throws is retried, and its last error is reported at the deadline. */
export const waitFor = async <A>(check: () => A | Promise<A>, options: WaitForOptions = {}): Promise<Found<A>> => {
  const timeoutMs = options.timeoutMs ?? 10_000
  const intervalMs = options.intervalMs ?? 20
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  for (;;) {
    try {
      const value = await check()
      if (isFound(value)) return value
      lastError = undefined
    } catch (error) {
      lastError = error
    }
    if (Date.now() >= deadline) {
      const because = lastError instanceof Error ? ` (last check threw: ${lastError.message})` : ""
      const now = options.describe ? `\n${options.describe()}` : ""
      throw new WaitForTimeout(`timed out after ${timeoutMs} ms waiting for ${options.what ?? "a condition"}${because}${now}`)
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** Wait until `text` (a substring or a pattern) appears in what `read` returns; resolves with that text. */
export const waitForText = (read: () => string | Promise<string>, text: string | RegExp, options: WaitForOptions = {}): Promise<string> => {
  let last = ""
  return waitFor(
    async () => {
      last = await read()
      return (typeof text === "string" ? last.includes(text) : text.test(last)) ? last : undefined
    },
    { what: String(text), describe: () => `it shows:\n${last}`, ...options }
  )
}
