/**
 * The one grammar for a duration a person writes: the gateway's `?wait=`,
 * its `--request-timeout` and other duration flags, the CLI's `--timeout`.
 * A number and a unit, nothing else: `250ms`, `30s`, `1.5m`, `2h`.
 *
 * Strict on purpose. The unit is required, because the parsers this replaces
 * read a bare `15` as 15 ms in one place and 15 s in another; now it is
 * refused with a message naming the grammar, which changes nothing silently.
 * No whitespace or control characters are trimmed (`30s\n` in a query is
 * refused, not shortened), digits are ASCII only, and a value too large to be
 * a useful wait is refused rather than rounded to Infinity.
 *
 * No imports: the CLI's bundle takes this module alone (`@fruxkit/core/DurationText`).
 */

/** For messages: what a valid duration looks like. */
export const GRAMMAR = "a number and a unit (ms, s, m or h), such as 500ms, 30s or 2m"

const UNIT_MILLIS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const

// Up to 9 integer digits (a billion hours is past any use) and 3 decimals.
const SHAPE = /^([0-9]{1,9})(?:\.([0-9]{1,3}))?(ms|s|m|h)$/

/** The duration `text` names, in whole milliseconds (rounded to the nearest), or `undefined` when it is not in the grammar. */
export const parse = (text: string): number | undefined => {
  const match = SHAPE.exec(text)
  if (match === null) return undefined
  const value = Number(`${match[1]}${match[2] === undefined ? "" : `.${match[2]}`}`)
  return Math.round(value * UNIT_MILLIS[match[3] as keyof typeof UNIT_MILLIS])
}
