/**
 * Keeping secrets out of logs, responses and error messages: the gateway's
 * upstream token, its API keys, and `candidateExternalConfig` secret values
 * (core's SECRET_EXTERNAL_CONFIG_KEYS).
 */
import { SECRET_EXTERNAL_CONFIG_KEYS } from "@fruxkit/core"

export const REDACTED = "[REDACTED]"

/**
 * Replace every occurrence of the given secrets in a string. Last line of
 * defence on every log line: whatever path a secret took into a message, it
 * leaves the process redacted.
 */
export const makeScrubber = (secrets: ReadonlyArray<string>): ((text: string) => string) => {
  // Short values would redact innocent text; config refuses keys under 16 characters anyway.
  const values = [...new Set(secrets.filter((s) => s.length >= 8))].sort((a, b) => b.length - a.length)
  if (values.length === 0) return (text) => text
  // One compiled search for all of them first: almost every line holds none,
  // and `includes` sets up its search anew on each call (measured: ≈ 0.3 µs
  // per access line for one secret, against ≈ 0.1 for the expression).
  const anySecret = new RegExp(values.map((value) => value.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&")).join("|"))
  return (text) => {
    if (!anySecret.test(text)) return text
    let out = text
    for (const value of values) if (out.includes(value)) out = out.split(value).join(REDACTED)
    return out
  }
}

/** The secret values of an `:evaluate` body's `candidateExternalConfig`, to scrub from anything derived from it. */
export const externalConfigSecrets = (body: unknown): Array<string> => {
  const parameters = (body as { candidateExternalConfig?: { parameters?: unknown } } | null | undefined)
    ?.candidateExternalConfig?.parameters
  if (typeof parameters !== "object" || parameters === null) return []
  return Object.entries(parameters as Record<string, unknown>)
    .filter(([key, value]) => SECRET_EXTERNAL_CONFIG_KEYS.has(key.toLowerCase()) && typeof value === "string")
    .map(([, value]) => value as string)
}

/** A field path that runs through external-config parameters: its message may quote the value. */
export const isSecretFieldPath = (path: string): boolean => /candidateExternalConfig/.test(path)

/**
 * A scrubber for JSON text: secrets are looked for as they appear inside a
 * JSON string (escaped), so a value with quotes or backslashes is found too.
 * The upstream should never echo an external agent's secrets (the contract
 * says so); this makes sure an answer through the gateway does not, even if
 * it did.
 */
export const makeJsonScrubber = (secrets: ReadonlyArray<string>): ((json: string) => string) =>
  makeScrubber(secrets.map((s) => JSON.stringify(s).slice(1, -1)))
