/**
 * Ink 6.8.0's incremental renderer moves the cursor up one line too few
 * before rewriting a frame whose predecessor ended with a newline — which is
 * every frame shorter than the terminal (measured: after `"a\nb\nc\n"` the
 * update starts with `ESC[2A`, landing on line b, so each frame drifts down a
 * line). Only that update starts with a bare cursor-up (the other branch
 * starts with an erase, and cursor-positioning sequences are used only with
 * `useCursor`, which fruxkit does not use), so this stream wrapper adds the
 * missing line there and passes everything else through untouched.
 */
const LEADING_CURSOR_UP = /^\x1b\[(\d+)A/

export const fixIncrementalCursor = (chunk: string): string =>
  chunk.replace(LEADING_CURSOR_UP, (_, lines: string) => `\x1b[${Number(lines) + 1}A`)

/** `stdout` as Ink should see it: the same stream, with the corrected `write`. */
export const withIncrementalCursorFix = <S extends NodeJS.WriteStream>(stdout: S): S => {
  const write = (chunk: unknown, ...rest: Array<unknown>) =>
    (stdout.write as (...args: Array<unknown>) => boolean)(typeof chunk === "string" ? fixIncrementalCursor(chunk) : chunk, ...rest)
  return new Proxy(stdout, {
    get(target, property) {
      if (property === "write") return write
      const value = Reflect.get(target, property, target) as unknown
      return typeof value === "function" ? (value as (...args: Array<unknown>) => unknown).bind(target) : value
    }
  })
}
