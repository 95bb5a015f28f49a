/** How numbers read on screen and in summaries: costs, durations, scores, bars. */

export const formatCost = (value: number): string =>
  value === 0 ? "$0" : value < 0.01 ? `$${value.toFixed(5)}` : `$${value.toFixed(4)}`

export const formatDuration = (ms: number): string => {
  if (!Number.isFinite(ms) || ms < 0) return "—"
  if (ms < 1000) return `${Math.round(ms)}ms`
  const seconds = ms / 1000
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`
  const minutes = Math.floor(seconds / 60)
  return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`
}

export const formatScore = (score: number | null | undefined): string =>
  score === null || score === undefined ? "—" : score.toFixed(2)

export const formatTime = (epochMillis: number): string =>
  epochMillis > 0 ? new Date(epochMillis).toISOString().slice(0, 16).replace("T", " ") : "—"

/** A horizontal bar of `width` cells for `value` of `max`. */
export const bar = (value: number, max: number, width: number): string => {
  const cells = max > 0 ? Math.round((Math.max(0, Math.min(value, max)) / max) * width) : 0
  return "█".repeat(cells) + "░".repeat(Math.max(0, width - cells))
}

export const truncate = (value: string, width: number): string =>
  width <= 0 ? "" : value.length <= width ? value : `${value.slice(0, Math.max(0, width - 1))}…`

export const pad = (value: string, width: number): string => truncate(value, width).padEnd(width)

/** Collapse whitespace so a multi-line answer fits one table cell. */
export const oneLine = (value: string): string => value.replace(/\s+/g, " ").trim()

/** Shortened UUIDs for tables; the full id is printed where it can be copied. */
export const shortId = (id: string): string => id.slice(0, 8)
