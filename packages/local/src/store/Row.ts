/**
 * Rows from the database, decoded with `effect/Schema`. Each table's row is
 * declared once, as a schema from its columns (as SQL returns them:
 * snake_case names, numbers, 0/1 flags, JSON in TEXT columns) to the value
 * the repositories hand out; the column names, types and JSON shapes live
 * in that one declaration.
 *
 * A decoder is compiled once per row schema (core's compiled decoder, the
 * one the client decodes responses with), not per row: listing 1,000 run
 * results through Effect's own decoder would cost what its encoder did
 * (≈ 125 ms, see core's ResponseDecoding.ts). A row that does not decode is a
 * `CorruptRow` — a loud failure naming the table and the fields, never their
 * values (a column may hold a secret) — instead of a silent default.
 */
import { ResponseDecoding } from "@fruxkit/core"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/** A numeric column: a number (both engines are set up to give numbers); a digit string (a BIGINT from a plain PostgreSQL client) is read too. */
export const Numeric = Schema.Union(Schema.Number, Schema.NumberFromString)

/** A 0/1 column read as a boolean. */
export const Flag = Schema.transform(Numeric, Schema.Boolean, {
  strict: true,
  decode: (value) => value === 1,
  encode: (flag) => (flag ? 1 : 0)
})

/** A TEXT column holding JSON, its content decoded by `schema`. */
export const Json = <A, I>(schema: Schema.Schema<A, I>): Schema.Schema<A, string> =>
  Schema.transformOrFail(Schema.String, schema, {
    strict: false,
    decode: (text, _options, ast) => {
      try {
        return ParseResult.succeed(JSON.parse(text))
      } catch {
        // Never the text itself in the message.
        return ParseResult.fail(new ParseResult.Type(ast, undefined, "is not JSON"))
      }
    },
    encode: (value) => ParseResult.succeed(JSON.stringify(value))
  })

/**
 * A TEXT column holding a value of `schema` in its wire (JSON) form, handed
 * out as the text it is: checked on read by the schema's compiled decoder (a
 * row that does not decode is corrupt), never rebuilt, re-encoded and
 * re-serialised. For JSON that goes straight back out to a client — a run's
 * results, 4.6 MB for 1,000 samples, where building the values, encoding
 * them and serialising them again cost three times the check.
 */
export const WireJson = <A, I>(schema: Schema.Schema<A, I>): Schema.Schema<string, string> => {
  const decode = ResponseDecoding.decodeResponse(schema as Schema.Schema<A, unknown>)
  return Schema.transformOrFail(Schema.String, Schema.String, {
    strict: true,
    decode: (text, _options, ast) => {
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch {
        return ParseResult.fail(new ParseResult.Type(ast, undefined, "is not JSON"))
      }
      return Either.isRight(decode(parsed)) ? ParseResult.succeed(text) : ParseResult.fail(new ParseResult.Type(ast, undefined, "does not decode"))
    },
    encode: ParseResult.succeed
  })
}

/** A field read from a column of another name: `tenantId: column("tenant_id", Schema.String)`. */
export const column = <S extends Schema.Schema.Any>(name: string, schema: S) => Schema.propertySignature(schema).pipe(Schema.fromKey(name))

/** A row that does not decode: the database holds something this version cannot read. */
export class CorruptRow extends Error {
  readonly _tag = "CorruptRow"
  constructor(
    readonly table: string,
    readonly fields: ReadonlyArray<string>
  ) {
    super(`a row of ${table} does not decode (${fields.join(", ") || "the row"}): the database holds what this version of fruxkit cannot read`)
  }
}

/** The paths of the fields that failed, without the values or Effect's messages (which quote them). */
const failedFields = (error: ParseResult.ParseError): Array<string> => [
  ...new Set(ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => issue.path.map(String).join(".")))
]

/** A compiled decoder for one table's rows; throws `CorruptRow` (a defect inside an Effect) for a row that does not decode. */
export const decoder = <A, I>(table: string, schema: Schema.Schema<A, I>): ((row: unknown) => A) => {
  const decode = ResponseDecoding.decodeResponse(schema as Schema.Schema<A, unknown>)
  return (row) => {
    const decoded = decode(row)
    if (Either.isRight(decoded)) return decoded.right
    throw new CorruptRow(table, failedFields(decoded.left))
  }
}
