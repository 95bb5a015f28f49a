/**
 * Validation rules of the embedded backend that the contract does not state.
 * Core's schemas hold only the contract's rules, because the gateway applies
 * them in front of the real Fruxon API and must not refuse what Fruxon
 * accepts; these hold here, after core's decoding, and are listed in the
 * README ("Extra rules").
 */
import type { FieldError } from "@fruxkit/core"

export const ENVIRONMENT_SLUG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/
export const MAX_SESSION_ID_LENGTH = 256
export const MAX_TAG_LENGTH = 64
export const MAX_TAGS = 32
export const MAX_CURSOR_LENGTH = 512

interface Decoded {
  readonly body: unknown
  readonly query: unknown
}

const field = (value: unknown, name: string): unknown =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined

/** The extra rules a decoded request breaks (none: an empty list). */
export const extraRuleErrors = (decoded: Decoded): Array<FieldError> => {
  const errors: Array<FieldError> = []
  const slug = field(decoded.body, "environmentSlug")
  if (typeof slug === "string" && !ENVIRONMENT_SLUG_PATTERN.test(slug)) {
    errors.push({ path: "body.environmentSlug", message: "may hold letters, digits, '_', '.' and '-', starting with a letter or digit" })
  }
  const sessionId = field(decoded.body, "sessionId")
  if (typeof sessionId === "string" && sessionId.length > MAX_SESSION_ID_LENGTH) {
    errors.push({ path: "body.sessionId", message: `must be at most ${MAX_SESSION_ID_LENGTH} characters` })
  }
  const tags = field(decoded.body, "tags")
  if (Array.isArray(tags)) {
    if (tags.length > MAX_TAGS) errors.push({ path: "body.tags", message: `at most ${MAX_TAGS} tags` })
    tags.forEach((tag, index) => {
      if (typeof tag !== "string") return
      if (tag.length === 0) errors.push({ path: `body.tags[${index}]`, message: "a tag must not be empty" })
      else if (tag.length > MAX_TAG_LENGTH) errors.push({ path: `body.tags[${index}]`, message: `a tag must be at most ${MAX_TAG_LENGTH} characters` })
    })
  }
  const cursor = field(decoded.query, "PageToken.Cursor")
  if (typeof cursor === "string" && cursor.length > MAX_CURSOR_LENGTH) {
    errors.push({ path: "query.PageToken.Cursor", message: `must be at most ${MAX_CURSOR_LENGTH} characters` })
  }
  return errors
}
