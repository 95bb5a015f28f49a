/**
 * The draft's ETag is its integer `version`. The contract accepts `7`, `"7"`
 * and `W/"7"` for it; the client always sends the quoted strong form.
 *
 * Parsing is strict: exactly the RFC 9110 entity-tag forms (`"7"`, `W/"7"`)
 * and the contract's bare `7`, with the version in canonical decimal digits
 * (no sign, no leading zero). Nothing is trimmed into validity: `"7`, `7"`,
 * `w/"7"`, `"07"` and `" 7"` name no version.
 */
const FORM = /^(?:W\/"(0|[1-9]\d{0,14})"|"(0|[1-9]\d{0,14})"|(0|[1-9]\d{0,14}))$/

export const format = (version: number | string): string => {
  const parsed = typeof version === "number" ? (Number.isSafeInteger(version) && version >= 0 ? version : undefined) : parse(version)
  if (parsed === undefined) throw new Error("not a draft version (expected 7, \"7\" or W/\"7\")")
  return `"${parsed}"`
}

/** The version an `If-Match` header names, or `undefined` when it names none. */
export const parse = (header: string | null | undefined): number | undefined => {
  if (header === null || header === undefined) return undefined
  const match = FORM.exec(header)
  return match ? Number(match[1] ?? match[2] ?? match[3]) : undefined
}
