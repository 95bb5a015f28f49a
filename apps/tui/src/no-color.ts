/**
 * NO_COLOR (no-color.org) for the interactive UI. Ink colours through chalk,
 * whose bundled supports-color reads FORCE_COLOR but not NO_COLOR; turning
 * chalk off (FORCE_COLOR=0) would also drop inverse and bold, which mark the
 * selection. So the frames Ink writes lose their colour parameters only:
 * bold, dim and inverse stay, as the convention asks.
 */
const SGR = /\x1b\[([\d;]*)m/g

/** Is NO_COLOR set (to anything but the empty string)? */
export const noColorRequested = (env: NodeJS.ProcessEnv): boolean => env.NO_COLOR !== undefined && env.NO_COLOR !== ""

/** Drop the colour parameters (30–49, 90–107, and 38/48's extended forms) from every SGR sequence. */
export const stripColors = (chunk: string): string =>
  chunk.replace(SGR, (sequence, params: string) => {
    if (params === "") return sequence
    const kept: Array<string> = []
    const codes = params.split(";")
    for (let i = 0; i < codes.length; i++) {
      const code = Number(codes[i])
      if (code === 38 || code === 48) {
        // 38;5;n or 38;2;r;g;b: skip the whole extended colour.
        i += codes[i + 1] === "5" ? 2 : codes[i + 1] === "2" ? 4 : 0
        continue
      }
      if ((code >= 30 && code <= 49) || (code >= 90 && code <= 107)) continue
      kept.push(codes[i]!)
    }
    return kept.length === 0 ? "" : `\x1b[${kept.join(";")}m`
  })

/** `stdout` with the colours taken out of what is written to it. */
export const withoutColors = <S extends NodeJS.WriteStream>(stdout: S): S => {
  const write = (chunk: unknown, ...rest: Array<unknown>) =>
    (stdout.write as (...args: Array<unknown>) => boolean)(typeof chunk === "string" ? stripColors(chunk) : chunk, ...rest)
  return new Proxy(stdout, {
    get(target, property) {
      if (property === "write") return write
      const value = Reflect.get(target, property, target) as unknown
      return typeof value === "function" ? (value as (...args: Array<unknown>) => unknown).bind(target) : value
    }
  })
}
