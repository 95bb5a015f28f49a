/**
 * The one secret rule of fruxkit. Every consumer (the gateway's logs and
 * error messages, the local backend's storage, traces, errors and summaries,
 * the TUI's forms) asks this module whether a key names a secret and how an
 * endpoint URL may be shown; nobody keeps a second list.
 *
 * A key is a secret when, compared case-insensitively with camelCase and
 * `-` read as `_` (`accessToken`, `Access-Token` → `access_token`), it is
 * one of SECRET_KEY_NAMES or ends in one of SECRET_KEY_SUFFIXES.
 * A URL's credentials are its userinfo and the values of query parameters
 * whose names are secret keys or look like credentials (`key`, `sig`, …).
 */

/** Shown in place of a secret value. */
export const REDACTED = "[REDACTED]"

/** Shown in place of a URL's credentials (brackets would be percent-encoded there). */
export const REDACTED_IN_URL = "REDACTED"

export const SECRET_KEY_NAMES: ReadonlyArray<string> = [
  "password",
  "passwd",
  "secret",
  "token",
  "api_key",
  "apikey",
  "auth_header_value",
  "authorization",
  "client_secret",
  "private_key",
  "credential",
  "credentials",
  "cookie",
  "session_key"
]

/** `refresh_token`, `access_token`, `x_api_key`, `db_password`, `webhook_secret`, … */
export const SECRET_KEY_SUFFIXES: ReadonlyArray<string> = ["_token", "_secret", "_password", "_api_key", "_apikey", "_private_key"]

/** Query parameter names that carry a credential in URLs even though they are not secret keys in a body. */
const URL_CREDENTIAL_PARAMS: ReadonlyArray<string> = ["key", "sig", "signature", "code", "auth", "access_key", "x_amz_signature", "x_amz_credential"]

const NAMES = new Set(SECRET_KEY_NAMES)
const URL_PARAMS = new Set(URL_CREDENTIAL_PARAMS)

/** `accessToken`, `Access-Token`, `ACCESS_TOKEN` → `access_token`. */
const normalise = (key: string): string =>
  key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[-\s.]/g, "_")
    .toLowerCase()

const cache = new Map<string, boolean>()

/** Whether a key (of a body, a parameters dictionary, a header) names a secret. */
export const isSecretKey = (key: string): boolean => {
  let known = cache.get(key)
  if (known === undefined) {
    const name = normalise(key)
    known = NAMES.has(name) || SECRET_KEY_SUFFIXES.some((suffix) => name.endsWith(suffix))
    if (cache.size > 10_000) cache.clear()
    cache.set(key, known)
  }
  return known
}

/** A set-shaped view of the rule, for callers that ask `SECRET_EXTERNAL_CONFIG_KEYS.has(key)`. */
export const secretKeys: Pick<ReadonlySet<string>, "has"> = { has: isSecretKey }

const isUrlCredentialParam = (name: string): boolean => isSecretKey(name) || URL_PARAMS.has(normalise(name))

/**
 * A URL as it may be shown: userinfo replaced, credential-like query values
 * replaced. Text that does not parse as a URL still loses anything shaped
 * like `scheme://user:pass@`.
 */
export const redactUrl = (text: string): string => {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, `$1${REDACTED_IN_URL}@`)
  }
  let changed = false
  if (url.username !== "" || url.password !== "") {
    url.username = REDACTED_IN_URL
    url.password = ""
    changed = true
  }
  for (const name of new Set(url.searchParams.keys())) {
    if (isUrlCredentialParam(name)) {
      url.searchParams.set(name, REDACTED_IN_URL)
      changed = true
    }
  }
  return changed ? url.toString() : text
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi

/** Free text (an error message, a summary line) with every URL in it redacted. */
export const redactText = (text: string): string => (text.includes("://") ? text.replace(URL_IN_TEXT, (url) => redactUrl(url)) : text)

/**
 * A JSON-shaped value as it may be shown: the value of every secret key is
 * REDACTED (at any depth), and every string has its URLs redacted.
 * Values past `maxDepth` are replaced too (nothing unbounded is walked).
 */
export const redactValue = (value: unknown, maxDepth = 64): unknown => {
  const walk = (node: unknown, depth: number): unknown => {
    if (typeof node === "string") return redactText(node)
    if (typeof node !== "object" || node === null) return node
    if (depth >= maxDepth) return REDACTED
    if (Array.isArray(node)) return node.map((item) => walk(item, depth + 1))
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(node)) {
      out[key] = isSecretKey(key) && item !== null && item !== "" ? REDACTED : walk(item, depth + 1)
    }
    return out
  }
  return walk(value, 0)
}
