/**
 * Field helpers for response shapes.
 *
 * Responses are open and servers differ in what they omit (some send null,
 * some leave a field out), so a response field decodes a missing or null
 * value to the zero value the contract implies. Consumers then get plain
 * `string` / `number` / arrays instead of `T | null | undefined` everywhere.
 * Encoding always writes the field, so the local backend's answers are complete.
 */
import * as Schema from "effect/Schema"

export const orDefault = <S extends Schema.Schema.Any>(schema: S, fallback: () => Schema.Schema.Type<S>) =>
  Schema.optionalWith(schema, { nullable: true, default: fallback as () => never })

export const string = orDefault(Schema.String, () => "")
export const number = orDefault(Schema.Number, () => 0)
export const boolean = orDefault(Schema.Boolean, () => false)
export const stringArray = orDefault(Schema.Array(Schema.String), () => [])

/** A field that is null when absent (objects, ids that may be missing). */
export const nullable = <S extends Schema.Schema.Any>(schema: S) =>
  Schema.optionalWith(Schema.NullOr(schema), { default: () => null })

export const arrayOf = <S extends Schema.Schema.Any>(schema: S) =>
  Schema.optionalWith(Schema.Array(schema), { nullable: true, default: () => [] })

/** A free-form JSON object (`parameters`, `inputPayload`, …). */
export const JsonObject = Schema.Record({ key: Schema.String, value: Schema.Unknown })
export type JsonObject = typeof JsonObject.Type

export const jsonObject = orDefault(JsonObject, () => ({}))

/** int64 Unix epoch milliseconds; an open interval has 0, not null. */
export const EpochMillis = Schema.Number.annotations({
  identifier: "EpochMillis",
  description: "Unix epoch milliseconds (int64); 0 for an open interval"
})
export const epochMillis = orDefault(EpochMillis, () => 0)

export const Uuid = Schema.UUID
