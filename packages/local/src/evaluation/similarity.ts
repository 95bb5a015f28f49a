/**
 * How alike two answers are, in [0, 1]: exact match, JSON-structural when
 * both parse as JSON objects or arrays, else token overlap (F1 over word
 * multisets, so word order and repetition matter a little, casing not).
 */

const tokens = (text: string): Array<string> => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []

export const tokenOverlap = (a: string, b: string): number => {
  const left = tokens(a)
  const right = tokens(b)
  if (left.length === 0 && right.length === 0) return 1
  if (left.length === 0 || right.length === 0) return 0
  const counts = new Map<string, number>()
  for (const t of left) counts.set(t, (counts.get(t) ?? 0) + 1)
  let common = 0
  for (const t of right) {
    const n = counts.get(t) ?? 0
    if (n > 0) {
      common++
      counts.set(t, n - 1)
    }
  }
  const precision = common / right.length
  const recall = common / left.length
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
}

const parseStructured = (text: string): unknown => {
  const trimmed = text.trim()
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return undefined
  try {
    return JSON.parse(trimmed)
  } catch {
    return undefined
  }
}

/** Structural similarity of two JSON values: same keys, same leaf values, recursively. */
export const structural = (a: unknown, b: unknown): number => {
  if (Array.isArray(a) && Array.isArray(b)) {
    const length = Math.max(a.length, b.length)
    if (length === 0) return 1
    let sum = 0
    for (let i = 0; i < length; i++) sum += i < a.length && i < b.length ? structural(a[i], b[i]) : 0
    return sum / length
  }
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)])
    if (keys.size === 0) return 1
    let sum = 0
    for (const key of keys) {
      const left = (a as Record<string, unknown>)[key]
      const right = (b as Record<string, unknown>)[key]
      sum += left === undefined || right === undefined ? 0 : structural(left, right)
    }
    return sum / keys.size
  }
  if (typeof a === "string" && typeof b === "string") return a === b ? 1 : tokenOverlap(a, b)
  return a === b ? 1 : 0
}

export type SimilarityMethod = "exact" | "json" | "tokens"

export const similarity = (a: string, b: string): { readonly score: number; readonly method: SimilarityMethod } => {
  if (a.trim() === b.trim()) return { score: 1, method: "exact" }
  const left = parseStructured(a)
  const right = parseStructured(b)
  if (left !== undefined && right !== undefined) return { score: structural(left, right), method: "json" }
  return { score: tokenOverlap(a, b), method: "tokens" }
}
