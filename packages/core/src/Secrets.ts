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
 * `name=value`, `name: value`, `"name":"value"` and `Name: Bearer value`
 * pairs whose name is a secret key (`token=…`, `"Password":"…"`,
 * `Authorization: Bearer …`), in text, with the value redacted.
 */
/** A stem of every secret key name and suffix above, in any casing: text without one names no secret. */
const SECRET_NAME_STEM = /pass|secret|token|api|auth|priv|credential|cookie|session/i

const SECRET_PAIR = /\b([A-Za-z][\w.-]*)(["']?\s*[=:]\s*["']?)(?=((?:Bearer|Basic|Token|Digest)\s+)?([^\s&,;"'<>(){}[\]]+))/g

/**
 * Text nobody reads as prose — a log line, a library's error message — with
 * its URLs redacted and the value of every secret-named pair in it
 * (`token=…`, `"api_key":"…"`, `Authorization: Bearer …`). Prose (a judge's
 * summary) keeps such pairs: "Password: reset it from the login page" is not
 * a credential.
 */
export const redactFreeText = (text: string): string => {
  const urlsRedacted = redactText(text)
  // Most texts (an access line's path) name no secret: one scan for the stems every secret key contains
  // (whatever its casing or separators) spares them the pair search (measured: ≈ 2 µs for a custom-method path).
  if (!SECRET_NAME_STEM.test(urlsRedacted)) return urlsRedacted
  // The value is only looked ahead at, so a pair inside another's value (`failed: token=…`) is still found.
  let out = ""
  let done = 0
  for (const match of urlsRedacted.matchAll(SECRET_PAIR)) {
    const [head, name, , scheme, value] = match as unknown as [string, string, string, string | undefined, string]
    if (!isSecretKey(name) || value === REDACTED || value === REDACTED_IN_URL) continue
    const start = match.index + head.length + (scheme?.length ?? 0)
    if (start < done) continue
    out += urlsRedacted.slice(done, start) + REDACTED
    done = start + value.length
  }
  return done === 0 ? urlsRedacted : out + urlsRedacted.slice(done)
}

/**
 * Known secret values (a service's own token, its API keys) replaced
 * wherever they appear in a text: the last line of defence on every log
 * line, whatever path a value took into it. Values under 8 characters are
 * left alone (they would redact innocent text).
 */
export const valueRedactor = (secrets: ReadonlyArray<string>): ((text: string) => string) => {
  const values = [...new Set(secrets.filter((s) => s.length >= 8))].sort((a, b) => b.length - a.length)
  if (values.length === 0) return (text) => text
  // One compiled search for all of them first: almost every text holds none (measured on log lines: ≈ 0.1 µs, vs 0.3 for `includes`).
  const anySecret = new RegExp(values.map((value) => value.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&")).join("|"))
  return (text) => {
    if (!anySecret.test(text)) return text
    let out = text
    for (const value of values) if (out.includes(value)) out = out.split(value).join(REDACTED)
    return out
  }
}

/** `valueRedactor` for JSON text: each value is looked for as it appears inside a JSON string (escaped). */
export const jsonValueRedactor = (secrets: ReadonlyArray<string>): ((json: string) => string) =>
  valueRedactor(secrets.map((s) => JSON.stringify(s).slice(1, -1)))

/** The string values of every secret key in a JSON-shaped value, at any depth (to redact anything derived from it). */
export const secretValuesIn = (value: unknown, maxDepth = 64): Array<string> => {
  const found: Array<string> = []
  const walk = (node: unknown, secret: boolean, depth: number) => {
    if (typeof node === "string") {
      if (secret) found.push(node)
      return
    }
    if (typeof node !== "object" || node === null || depth >= maxDepth) return
    if (Array.isArray(node)) for (const item of node) walk(item, secret, depth + 1)
    else for (const [key, item] of Object.entries(node)) walk(item, secret || isSecretKey(key), depth + 1)
  }
  walk(value, false, 0)
  return found
}

/**
 * A JSON-shaped value as it may be shown: the value of every secret key is
 * REDACTED (at any depth), and every string has its URLs redacted.
 * Values past `maxDepth` are replaced too (nothing unbounded is walked).
 * `redactString`: how strings are read (`redactFreeText` for log fields).
 */
export const redactValue = (value: unknown, maxDepth = 64, redactString: (text: string) => string = redactText): unknown => {
  const walk = (node: unknown, depth: number): unknown => {
    if (typeof node === "string") return redactString(node)
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
