/**
 * The draft's ETag is its integer `version`. The contract accepts `7`, `"7"`
 * and `W/"7"` for it; the client always sends the quoted strong form.
 */
export const format = (version: number | string): string => {
  const parsed = typeof version === "number" ? version : parse(version)
  if (parsed === undefined) throw new Error(`not a draft version: ${String(version)}`)
  return `"${parsed}"`
}

/** The version an `If-Match` header names, or `undefined` when it names none. */
export const parse = (header: string | null | undefined): number | undefined => {
  if (header === null || header === undefined) return undefined
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header)
  return match ? Number(match[1]) : undefined
}
