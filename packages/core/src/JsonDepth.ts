/**
 * How deep a JSON body may nest. Request bodies are walked by recursive code
 * (schema decoding, the local backend's flow runner and encoders); a value
 * nested thousands of levels deep would exhaust the stack there, so it is
 * refused at the door, by an iterative walk, as a 400 naming the limit.
 * 64 is far past any real request (the deepest schema is a flow step's
 * nested steps) and far below where recursion fails.
 */
export const MAX_JSON_DEPTH = 64

/** Whether a parsed JSON value nests deeper than `max` objects/arrays. */
export const exceeds = (value: unknown, max: number = MAX_JSON_DEPTH): boolean => {
  if (typeof value !== "object" || value === null) return false
  const stack: Array<{ readonly node: object; readonly depth: number }> = [{ node: value, depth: 1 }]
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!
    if (depth > max) return true
    const children = Array.isArray(node) ? node : Object.values(node)
    for (const child of children) {
      if (typeof child === "object" && child !== null) stack.push({ node: child, depth: depth + 1 })
    }
  }
  return false
}
