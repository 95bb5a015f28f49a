/**
 * What differs between two draft heads, as JSON paths: the summary a
 * conflicting push prints ("the head moved: 2 changed, 1 added"), so a person
 * can see what they would overwrite before choosing `--force`.
 */
import { canonicalJson } from "./draft-file.js"

export interface HeadChange {
  readonly path: string
  readonly kind: "added" | "removed" | "changed"
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value)

const key = (path: string, name: string): string => (/^[A-Za-z_$][\w$]*$/.test(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`)

/** Changes from `mine` to `theirs`: a path is "added" when only theirs has it. Arrays compare by index. */
export const diffHeads = (mine: unknown, theirs: unknown, path = "$"): Array<HeadChange> => {
  if (isObject(mine) && isObject(theirs)) {
    const names = [...new Set([...Object.keys(mine), ...Object.keys(theirs)])].sort()
    return names.flatMap((name): Array<HeadChange> => {
      if (!(name in mine)) return [{ path: key(path, name), kind: "added" }]
      if (!(name in theirs)) return [{ path: key(path, name), kind: "removed" }]
      return diffHeads(mine[name], theirs[name], key(path, name))
    })
  }
  if (Array.isArray(mine) && Array.isArray(theirs)) {
    const length = Math.max(mine.length, theirs.length)
    return Array.from({ length }, (_, i) => i).flatMap((i): Array<HeadChange> => {
      if (i >= mine.length) return [{ path: `${path}[${i}]`, kind: "added" }]
      if (i >= theirs.length) return [{ path: `${path}[${i}]`, kind: "removed" }]
      return diffHeads(mine[i], theirs[i], `${path}[${i}]`)
    })
  }
  return canonicalJson(mine) === canonicalJson(theirs) ? [] : [{ path, kind: "changed" }]
}

/** At most `limit` lines, then how many more. */
export const diffSummary = (changes: ReadonlyArray<HeadChange>, limit = 12): string => {
  if (changes.length === 0) return "  (the heads are equal)"
  const sign = { added: "+", removed: "-", changed: "~" } as const
  const lines = changes.slice(0, limit).map((c) => `  ${sign[c.kind]} ${c.path}`)
  if (changes.length > limit) lines.push(`  … and ${changes.length - limit} more`)
  return lines.join("\n")
}
