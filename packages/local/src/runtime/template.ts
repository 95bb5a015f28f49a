/** `{{name}}` interpolation over parameters and earlier step outputs. */

const lookup = (scope: Readonly<Record<string, unknown>>, path: string): unknown => {
  let current: unknown = scope
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}

const asText = (value: unknown): string =>
  value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value)

/** Missing names interpolate to "" (a template never fails). */
export const interpolate = (template: string, scope: Readonly<Record<string, unknown>>): string =>
  template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g, (_, path: string) => asText(lookup(scope, path)))

/** Interpolate every string inside a JSON value (an http step's body). */
export const interpolateDeep = (value: unknown, scope: Readonly<Record<string, unknown>>): unknown => {
  if (typeof value === "string") return interpolate(value, scope)
  if (Array.isArray(value)) return value.map((item) => interpolateDeep(item, scope))
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateDeep(v, scope)]))
  }
  return value
}

export const pick = lookup

/**
 * The user's turn of a conversation: the `input`, `question` or `message`
 * parameter, else the parameters as JSON.
 */
export const userTurn = (parameters: Readonly<Record<string, unknown>>): string => {
  for (const key of ["input", "question", "message", "query"]) {
    const value = parameters[key]
    if (typeof value === "string") return value
  }
  return JSON.stringify(parameters)
}
