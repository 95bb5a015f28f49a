/**
 * Enums as the Fruxon API sends them.
 *
 * The contract says enums are UPPER_SNAKE strings, but older responses were
 * seen in PascalCase ("Completed", "InProgress"), and new values appear before
 * clients know them. So a response enum normalises case onto the known
 * values and keeps any other string as it came, instead of failing the whole
 * response. Requests are closed: they take only the known UPPER_SNAKE values.
 */
import * as Schema from "effect/Schema"

/** `InProgress`, `in-progress`, `in_progress` → `IN_PROGRESS`. */
export const toUpperSnake = (value: string): string =>
  value
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[\s-]+/g, "_")
    .toUpperCase()

/** A value the schema does not know yet: still a string, but not one of the literals. */
export type Unknown = string & { readonly __unknownEnumValue?: never }

export interface OpenEnum<Values extends readonly [string, ...string[]]> {
  readonly values: Values
  /** Strict: only the known values, exactly as written. Use for requests. */
  readonly Strict: Schema.Schema<Values[number]>
  /** Forward compatible: normalises case, keeps unknown strings. Use for responses. */
  readonly Open: Schema.Schema<Values[number] | Unknown, string>
  readonly is: (value: unknown) => value is Values[number]
}

export const make = <const Values extends readonly [string, ...string[]]>(
  identifier: string,
  values: Values
): OpenEnum<Values> => {
  const known = new Set<string>(values)
  const is = (value: unknown): value is Values[number] => typeof value === "string" && known.has(value)
  const Strict = Schema.Literal(...values).annotations({ identifier })
  const Open = Schema.transform(Schema.String, Schema.String as Schema.Schema<Values[number] | Unknown>, {
    strict: true,
    decode: (raw) => {
      if (known.has(raw)) return raw
      const normalised = toUpperSnake(raw)
      return known.has(normalised) ? normalised : raw
    },
    encode: (value) => value
  }).annotations({
    identifier: `${identifier}Open`,
    description: `One of ${values.join(", ")}; unknown values are kept as sent.`,
    jsonSchema: { type: "string", description: `Known values: ${values.join(", ")}` }
  })
  return { values, Strict, Open, is }
}
