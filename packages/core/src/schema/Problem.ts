/**
 * RFC 7807 problem details, as every documented Fruxon error is sent.
 * Extension members are kept: the record part holds them.
 */
import * as Schema from "effect/Schema"

export const ProblemDetails = Schema.Struct(
  {
    type: Schema.optional(Schema.String),
    title: Schema.optional(Schema.String),
    status: Schema.optional(Schema.Number),
    detail: Schema.optional(Schema.String),
    instance: Schema.optional(Schema.String)
  },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
).annotations({ identifier: "ProblemDetails" })
export type ProblemDetails = typeof ProblemDetails.Type

/** One invalid field of a request, as the `errors` extension member lists them. */
export const FieldError = Schema.Struct({
  path: Schema.String,
  message: Schema.String
}).annotations({ identifier: "FieldError" })
export type FieldError = typeof FieldError.Type

export const PROBLEM_CONTENT_TYPE = "application/problem+json"

/** Where fruxkit's own problem `type` URIs live; the suffix names the case. */
export const PROBLEM_TYPE_BASE = "https://fruxkit.dev/problems/"

export const problemType = (name: string): string => `${PROBLEM_TYPE_BASE}${name}`

/** Build a problem document; servers answer every error through this. */
export const makeProblem = (
  status: number,
  name: string,
  title: string,
  detail?: string,
  extensions?: Readonly<Record<string, unknown>>
): ProblemDetails => ({
  type: problemType(name),
  title,
  status,
  ...(detail !== undefined ? { detail } : {}),
  ...extensions
})

/** A problem as an HTTP response (`application/problem+json`). */
export const problemResponse = (problem: ProblemDetails, headers?: Readonly<Record<string, string>>): Response =>
  new Response(JSON.stringify(problem), {
    status: problem.status ?? 500,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, ...headers }
  })
