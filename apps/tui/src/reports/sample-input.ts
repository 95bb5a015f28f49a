/** A sample's input in a few words, for report names: the first text found in its parameters. */
export const firstInputText = (parameters: unknown, max = 80): string => {
  const find = (value: unknown, depth: number): string | undefined => {
    if (typeof value === "string" && value.trim() !== "") return value
    if (depth > 4 || value === null || typeof value !== "object") return undefined
    for (const item of Array.isArray(value) ? value : Object.values(value)) {
      const found = find(item, depth + 1)
      if (found) return found
    }
    return undefined
  }
  const text = (find(parameters, 0) ?? "").replace(/\s+/g, " ").trim()
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}
