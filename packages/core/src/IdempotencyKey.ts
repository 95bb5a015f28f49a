/**
 * `Idempotency-Key` on creating calls: what a key may be and what "the same
 * request" means, shared by the gateway (which records outcomes per key) and
 * the local backend (which stores the key with what it created). One
 * definition, so a request the gateway calls a repeat the backend does too.
 *
 * No hashing here (core runs without Node built-ins): consumers hash
 * `canonicalRequest` with their own SHA-256.
 */

export const HEADER = "idempotency-key"

/** Set on an answer that is a stored one, not a new call's. */
export const REPLAYED_HEADER = "idempotent-replayed"

/** A key clients may send: printable ASCII, no spaces, 1–255 characters. */
export const VALID_KEY = /^[\x21-\x7e]{1,255}$/

export const isValid = (key: string): boolean => VALID_KEY.test(key)

/** What a bad key is told (no value quoted). */
export const INVALID_KEY_MESSAGE = "must be 1-255 printable characters without spaces"

/**
 * A request as text for fingerprinting: same request ⇔ same method, path
 * with query, and JSON body (key order and whitespace ignored, `undefined`
 * members dropped as JSON does).
 */
export const canonicalRequest = (method: string, pathAndQuery: string, body: unknown): string =>
  `${method} ${pathAndQuery}\n${canonicalJson(body)}`

const canonicalJson = (value: unknown): string => {
  if (value === undefined) return ""
  if (value === null || typeof value !== "object") return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? "null" : canonicalJson(item))).join(",")}]`
  const record = value as Record<string, unknown>
  return `{${Object.keys(record)
    .sort()
    .filter((key) => record[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`)
    .join(",")}}`
}
