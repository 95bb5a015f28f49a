/**
 * What a caller-supplied string may look like once it is copied into
 * something stored and shown again — a trace, a step error, a sample's
 * error, a run's summary: secrets redacted by core's one rule (URL
 * credentials, secret keys) and the length bounded, with an ellipsis.
 * A 900 KB `endpoint` must not become 900 KB in every sample's error and
 * trace (issue 22, finding 3).
 */
import { Secrets } from "@fruxkit/core"

/** The longest caller-derived string in a message or a trace parameter. */
export const MAX_SHOWN_CHARS = 256

export const truncate = (text: string, max: number = MAX_SHOWN_CHARS): string =>
  text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`

/** A message or URL as it may be stored and shown. */
export const shownText = (text: string, max: number = MAX_SHOWN_CHARS): string => truncate(Secrets.redactText(text), max)

/** A parameters dictionary as a trace may show it: secret keys' values redacted, strings redacted and bounded. */
export const shownParameters = (parameters: Readonly<Record<string, unknown>>): Record<string, unknown> => {
  const redacted = Secrets.redactValue(parameters, 8) as Record<string, unknown>
  const bound = (value: unknown): unknown =>
    typeof value === "string" ? truncate(value) : Array.isArray(value) ? value.map(bound) : value !== null && typeof value === "object" ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bound(v)])) : value
  return bound(redacted) as Record<string, unknown>
}
