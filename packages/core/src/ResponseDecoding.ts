/**
 * Decoding response bodies fast without checking less. A decoder is compiled
 * once per schema from its AST into plain functions that check and build the
 * value in one pass: literals, keywords, structs (unknown fields dropped, as
 * `onExcessProperty: "ignore"` does), records, arrays, unions, refinements
 * through their own filters, and the two transformations responses use —
 * field defaults (`optionalWith`: a missing or null field becomes its zero
 * value) and pure `Schema.transform`s such as `OpenEnum.Open` (case
 * normalised, unknown values kept). What a transformation produces from
 * checked input is not checked again on its type side when that side is a
 * struct (its fields were just checked on the way in).
 *
 * The compiled decoder only short-cuts a success: anything it refuses (or a
 * schema with a part it does not cover) goes to Effect's decoder, which
 * decides and writes the field errors. `ResponseDecoding.test.ts` checks on
 * fixtures and mutations of them that both agree.
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { compileOnce, isRecord, Unsupported, type Compiler } from "./SchemaCompiler.js"

/** The decoded value, or `FAIL` when the fast path cannot vouch for one. */
export type Decoder = (input: unknown) => unknown

export const FAIL: unique symbol = Symbol.for("@fruxkit/core/ResponseDecoding/FAIL")

const PARSE_OPTIONS: AST.ParseOptions = { errors: "all", onExcessProperty: "ignore" }

const compileTypeLiteral = (ast: AST.TypeLiteral, compile: (ast: AST.AST) => Decoder): Decoder => {
  const properties = ast.propertySignatures.map((property) => {
    if (typeof property.name !== "string") throw new Unsupported()
    return { name: property.name, optional: property.isOptional, decode: compile(property.type) }
  })
  if (ast.indexSignatures.length > 1) throw new Unsupported()
  const signature = ast.indexSignatures[0]
  if (signature !== undefined && signature.parameter._tag !== "StringKeyword") throw new Unsupported()
  const rest = signature === undefined ? undefined : compile(signature.type)
  const known = new Set(properties.map((p) => p.name))
  return (input) => {
    if (!isRecord(input)) return FAIL
    const output: Record<string, unknown> = {}
    for (const property of properties) {
      if (!Object.prototype.hasOwnProperty.call(input, property.name)) {
        if (!property.optional) return FAIL
        continue
      }
      const value = property.decode(input[property.name])
      if (value === FAIL) return FAIL
      output[property.name] = value
    }
    if (rest !== undefined) {
      for (const key in input) {
        if (known.has(key)) continue
        const value = rest(input[key])
        if (value === FAIL) return FAIL
        output[key] = value
      }
    }
    return output
  }
}

const compileTuple = (ast: AST.TupleType, compile: (ast: AST.AST) => Decoder): Decoder => {
  if (ast.rest.length > 1) throw new Unsupported()
  const elements = ast.elements.map((element) => ({ optional: element.isOptional, decode: compile(element.type) }))
  const rest = ast.rest.length === 1 ? compile(ast.rest[0]!.type) : undefined
  return (input) => {
    if (!Array.isArray(input)) return FAIL
    if (input.length > elements.length && rest === undefined) return FAIL
    const output: Array<unknown> = new Array(input.length)
    for (let i = 0; i < input.length; i++) {
      const element = elements[i]
      const value = element !== undefined ? element.decode(input[i]) : rest!(input[i])
      if (value === FAIL) return FAIL
      output[i] = value
    }
    for (let i = input.length; i < elements.length; i++) if (!elements[i]!.optional) return FAIL
    return output
  }
}

/**
 * Whether a field step hands a present, non-null value back as it came (what
 * `optionalWith({ default })` does): probed once with values of each kind.
 */
const passesPresentValuesThrough = (decode: (o: Option.Option<unknown>) => Option.Option<unknown>): boolean => {
  try {
    return [{}, [], "probe", 7, true].every((probe) => {
      const next = decode(Option.some(probe))
      return Option.isSome(next) && next.value === probe
    })
  } catch {
    return false
  }
}

/** A transformation's decode, when it answers synchronously (an `Either`); `FAIL` otherwise. */
const runSync = (result: unknown): unknown => {
  if (Either.isEither(result)) return Either.isRight(result) ? result.right : FAIL
  return FAIL
}

const compileTransformation = (ast: AST.Transformation, compile: (ast: AST.AST) => Decoder): Decoder => {
  const from = compile(ast.from)
  const transformation = ast.transformation
  switch (transformation._tag) {
    case "TypeLiteralTransformation": {
      // Field defaults and renames: pure functions over the presence of one key.
      const steps = transformation.propertySignatureTransformations.map((step) => {
        if (typeof step.from !== "string" || typeof step.to !== "string") throw new Unsupported()
        return { from: step.from, to: step.to, decode: step.decode, keepsPresent: passesPresentValuesThrough(step.decode) }
      })
      return (input) => {
        const decoded = from(input)
        if (decoded === FAIL) return FAIL
        const output = decoded as Record<string, unknown>
        for (const step of steps) {
          const present = Object.prototype.hasOwnProperty.call(output, step.from)
          const value = present ? output[step.from] : undefined
          // The common case (a field that came, neither null nor undefined, under its own name) costs no call.
          if (present && value !== null && value !== undefined && step.keepsPresent && step.from === step.to) continue
          const next = step.decode(present ? Option.some(value) : Option.none())
          if (step.from !== step.to && present) delete output[step.from]
          if (Option.isSome(next)) output[step.to] = next.value
          else if (step.from === step.to && present) delete output[step.from]
        }
        return output
      }
    }
    case "FinalTransformation": {
      const to = compile(ast.to)
      const decode = transformation.decode
      return (input) => {
        const decoded = from(input)
        if (decoded === FAIL) return FAIL
        const transformed = runSync(decode(decoded, PARSE_OPTIONS, ast, input))
        return transformed === FAIL ? FAIL : to(transformed)
      }
    }
    case "ComposeTransformation":
      throw new Unsupported()
  }
}

const compileNode = (ast: AST.AST, compile: (ast: AST.AST) => Decoder): Decoder => {
  const check = (test: (value: unknown) => boolean): Decoder => (input) => (test(input) ? input : FAIL)
  switch (ast._tag) {
    case "Literal": {
      const literal = ast.literal
      return check((value) => value === literal)
    }
    case "UndefinedKeyword":
    case "VoidKeyword":
      return check((value) => value === undefined)
    case "NeverKeyword":
      return () => FAIL
    case "UnknownKeyword":
    case "AnyKeyword":
      return (input) => input
    case "StringKeyword":
      return check((value) => typeof value === "string")
    case "NumberKeyword":
      return check((value) => typeof value === "number")
    case "BooleanKeyword":
      return check((value) => typeof value === "boolean")
    case "ObjectKeyword":
      return check((value) => typeof value === "object" && value !== null)
    case "Enums": {
      const values = new Set<unknown>(ast.enums.map(([, value]) => value))
      return check((value) => values.has(value))
    }
    case "Refinement": {
      const from = compile(ast.from)
      return (input) => {
        const decoded = from(input)
        return decoded === FAIL || Option.isSome(ast.filter(decoded, PARSE_OPTIONS, ast)) ? FAIL : decoded
      }
    }
    case "TypeLiteral":
      return compileTypeLiteral(ast, compile)
    case "TupleType":
      return compileTuple(ast, compile)
    case "Union": {
      // The first member that takes the value, as Effect's decoder does for members that do not overlap.
      const members = ast.types.map(compile)
      return (input) => {
        for (const member of members) {
          const decoded = member(input)
          if (decoded !== FAIL) return decoded
        }
        return FAIL
      }
    }
    case "Suspend": {
      // Compiled on first use (a recursive schema refers to itself); a part not covered leaves it to Effect's decoder.
      let inner: Decoder | undefined
      return (input) => {
        if (inner === undefined) {
          try {
            inner = compile(ast.f())
          } catch (error) {
            if (!(error instanceof Unsupported)) throw error
            inner = () => FAIL
          }
        }
        return inner(input)
      }
    }
    case "Transformation":
      return compileTransformation(ast, compile)
    case "UniqueSymbol":
    case "SymbolKeyword":
    case "BigIntKeyword":
    case "Declaration":
    case "TemplateLiteral":
      throw new Unsupported()
  }
}

const compiled = new WeakMap<AST.AST, Decoder | null>()

/** Throws `Unsupported` for a node the compiler does not cover, suspended parts included. */
const assertSupported = (ast: AST.AST, seen: Set<AST.AST>): void => {
  if (seen.has(ast)) return
  seen.add(ast)
  switch (ast._tag) {
    case "Declaration":
    case "TemplateLiteral":
    case "UniqueSymbol":
    case "SymbolKeyword":
    case "BigIntKeyword":
      throw new Unsupported()
    case "Transformation":
      if (ast.transformation._tag === "ComposeTransformation") throw new Unsupported()
      assertSupported(ast.from, seen)
      return assertSupported(ast.to, seen)
    case "Refinement":
      return assertSupported(ast.from, seen)
    case "TypeLiteral":
      for (const property of ast.propertySignatures) assertSupported(property.type, seen)
      for (const signature of ast.indexSignatures) assertSupported(signature.type, seen)
      return
    case "TupleType":
      for (const element of ast.elements) assertSupported(element.type, seen)
      for (const rest of ast.rest) assertSupported(rest.type, seen)
      return
    case "Union":
      for (const member of ast.types) assertSupported(member, seen)
      return
    default:
      // A suspended part is checked when it is compiled, on first use: some suspensions build a new AST per call.
      return
  }
}


const compiler: Compiler<Decoder> = { compiled, assertSupported, compileNode }

/** The compiled fast path for a schema (undefined when it has a part not covered). */
export const fastDecoderOf = (schema: Schema.Schema.Any): Decoder | undefined => compileOnce(compiler, schema.ast)

/**
 * Decode a response body: the compiled decoder when it vouches for the
 * value, else Effect's decoder (which also writes the errors).
 */
export const decodeResponse = <A, I>(
  schema: Schema.Schema<A, I>
): ((input: unknown) => Either.Either<A, ParseResult.ParseError>) => {
  const fast = fastDecoderOf(schema)
  const full = Schema.decodeUnknownEither(schema, PARSE_OPTIONS)
  return (input) => {
    if (fast !== undefined) {
      const decoded = fast(input)
      if (decoded !== FAIL) return Either.right(decoded as A)
    }
    return full(input)
  }
}
