/**
 * RFC 7807 problem details, as every documented Fruxon error is sent.
 * Extension members are kept: the record part holds them.
 */
import * as Schema from "effect/Schema"

const ProblemDetailsSchema = Schema.Struct(
  {
    type: Schema.optional(Schema.String),
    title: Schema.optional(Schema.String),
    status: Schema.optional(Schema.Number),
    detail: Schema.optional(Schema.String),
    instance: Schema.optional(Schema.String)
  },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
).annotations({ identifier: "ProblemDetails" })
export interface ProblemDetails extends Schema.Schema.Type<typeof ProblemDetailsSchema> {}
export interface ProblemDetailsEncoded extends Schema.Schema.Encoded<typeof ProblemDetailsSchema> {}
export const ProblemDetails: Schema.Schema<ProblemDetails, ProblemDetailsEncoded> = ProblemDetailsSchema

/** One invalid field of a request, as the `errors` extension member lists them. */
const FieldErrorSchema = Schema.Struct({
  path: Schema.String,
  message: Schema.String
}).annotations({ identifier: "FieldError" })
export interface FieldError extends Schema.Schema.Type<typeof FieldErrorSchema> {}
export interface FieldErrorEncoded extends Schema.Schema.Encoded<typeof FieldErrorSchema> {}
export const FieldError: Schema.Schema<FieldError, FieldErrorEncoded> = FieldErrorSchema

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
