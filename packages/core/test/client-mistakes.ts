/**
 * Ways a client gets a request value wrong, applied at every depth: the
 * broken inputs the acceptor tests (Acceptor.test.ts on values,
 * JsonTextAcceptor.test.ts on their JSON text) feed next to valid ones.
 */
export const breakings = (value: unknown): Array<unknown> => {
  const out: Array<unknown> = [null, 42, "text", [], {}, true]
  if (Array.isArray(value)) {
    out.push([...value, { unexpected: true }], value.slice(1), [null, ...value])
    value.forEach((item, i) => breakings(item).forEach((broken) => out.push(value.map((v, j) => (i === j ? broken : v)))))
  } else if (typeof value === "object" && value !== null) {
    out.push({ ...value, unexpectedProperty: 1 })
    for (const key of Object.keys(value)) {
      const { [key]: _, ...without } = value as Record<string, unknown>
      out.push(without)
      for (const broken of breakings((value as Record<string, unknown>)[key])) out.push({ ...value, [key]: broken })
    }
  } else if (typeof value === "string") {
    // A traversal, empty, a control character, too long, and quote / escape / non-ASCII / lone surrogate.
    out.push(`${value}/..`, "", `${value}\u0000`, "x".repeat(300), `${value}"\\é\ud800`)
  } else if (typeof value === "number") {
    // Negative, fractional, negative zero, beyond a double (Infinity once parsed), a number as a string.
    out.push(-1, 1.5, -0, 1e400, String(value))
  }
  return out
}
