/**
 * The one duration parser: `500ms`, `90s`, `30m`, `2h`, or a bare number of
 * milliseconds, as people type them in flags and environment variables.
 */
export const parse = (text: string): number | undefined => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text)
  if (!match) return undefined
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? "ms"] ?? 1
  return Math.round(Number(match[1]) * factor)
}
