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
 * The same compiler runs the other way for the local backend's answers
 * (`fastEncoderOf`, used by `RequestDecoding.encodeSuccess`): a value of the
 * schema's type is checked and encoded in one pass, each transformation
 * through its own `encode`. Effect's encoder took ≈ 125 ms for a page of
 * 1,000 run samples (4.6 MB of JSON), most of the listing's time.
 *
 * A compiled function only short-cuts a success: anything it refuses (or a
 * schema with a part it does not cover) goes to Effect's decoder or encoder,
 * which decides and writes the field errors. `ResponseDecoding.test.ts`
 * checks on fixtures and mutations of them that both agree, both ways.
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { compileOnce, isRecord, Unsupported, type Compiler } from "./SchemaCompiler.js"

/** The decoded (or encoded) value, or `FAIL` when the fast path cannot vouch for one. */
export type Decoder = (input: unknown) => unknown

/** Which way a compiled function runs: wire value → type (`decode`), or type → wire value (`encode`). */
type Direction = "decode" | "encode"

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

const compileTransformation = (ast: AST.Transformation, compile: (ast: AST.AST) => Decoder, direction: Direction): Decoder => {
  const transformation = ast.transformation
  switch (transformation._tag) {
    case "TypeLiteralTransformation":
      return direction === "decode" ? decodeFieldSteps(ast, transformation, compile) : encodeFieldSteps(ast, transformation, compile)
    case "FinalTransformation": {
      // Decoding: from (wire) → decode → to; encoding: to (type) → encode → from, as Effect's parser does.
      const [first, last] = direction === "decode" ? [compile(ast.from), compile(ast.to)] : [compile(ast.to), compile(ast.from)]
      const step = direction === "decode" ? transformation.decode : transformation.encode
      return (input) => {
        const checked = first(input)
        if (checked === FAIL) return FAIL
        const transformed = runSync(step(checked, PARSE_OPTIONS, ast, input))
        return transformed === FAIL ? FAIL : last(transformed)
      }
    }
    case "ComposeTransformation":
      throw new Unsupported()
  }
}

interface FieldStep {
  readonly from: string
  readonly to: string
  readonly run: (o: Option.Option<unknown>) => Option.Option<unknown>
  /** Hands a present, non-null value back as it came: the common case costs no call. */
  readonly keepsPresent: boolean
}

/** Field defaults and renames over an object this function may change: pure functions over the presence of one key. */
const applyFieldSteps = (output: Record<string, unknown>, steps: ReadonlyArray<FieldStep>): void => {
  for (const step of steps) {
    const present = Object.prototype.hasOwnProperty.call(output, step.from)
    const value = present ? output[step.from] : undefined
    if (present && value !== null && value !== undefined && step.keepsPresent && step.from === step.to) continue
    const next = step.run(present ? Option.some(value) : Option.none())
    if (step.from !== step.to && present) delete output[step.from]
    if (Option.isSome(next)) output[step.to] = next.value
    else if (step.from === step.to && present) delete output[step.from]
  }
}

const fieldSteps = (transformation: AST.TypeLiteralTransformation, direction: Direction): Array<FieldStep> =>
  transformation.propertySignatureTransformations.map((step) => {
    if (typeof step.from !== "string" || typeof step.to !== "string") throw new Unsupported()
    const run = direction === "decode" ? step.decode : step.encode
    const [from, to] = direction === "decode" ? [step.from, step.to] : [step.to, step.from]
    return { from, to, run, keepsPresent: passesPresentValuesThrough(run) }
  })

const decodeFieldSteps = (ast: AST.Transformation, transformation: AST.TypeLiteralTransformation, compile: (ast: AST.AST) => Decoder): Decoder => {
  const from = compile(ast.from)
  const steps = fieldSteps(transformation, "decode")
  return (input) => {
    const decoded = from(input)
    if (decoded === FAIL) return FAIL
    applyFieldSteps(decoded as Record<string, unknown>, steps)
    return decoded
  }
}

/**
 * Encoding: the steps run on a copy of the type-side object, then the
 * wire-side struct encodes (and checks) every field. The type side is not
 * walked a second time: a present value is checked by the wire side's
 * encoder, which takes exactly the type side's values — except null or
 * undefined, which a wire side may take where the type side does not (a
 * nullable field with a default): those, and a missing required field, are
 * judged here against the type side, as Effect's check of that side would.
 */
const encodeFieldSteps = (ast: AST.Transformation, transformation: AST.TypeLiteralTransformation, compile: (ast: AST.AST) => Decoder): Decoder => {
  if (ast.to._tag !== "TypeLiteral") throw new Unsupported()
  const typeSide = new Map(ast.to.propertySignatures.map((p) => [p.name, p]))
  const steps = fieldSteps(transformation, "encode")
  const guards = steps.map((step) => {
    const property = typeSide.get(step.from)
    if (property === undefined) throw new Unsupported()
    const takes = Schema.is(Schema.make(property.type))
    return { key: step.from, required: !property.isOptional, takesNull: takes(null), takesUndefined: takes(undefined) }
  })
  const from = compile(ast.from)
  const allKeepPresent = steps.every((step) => step.keepsPresent && step.from === step.to)
  return (input) => {
    if (!isRecord(input)) return FAIL
    // The common case — every field there, none null, each step passing it through — needs no step run.
    let untouched = allKeepPresent
    for (const guard of guards) {
      if (!Object.prototype.hasOwnProperty.call(input, guard.key)) {
        if (guard.required) return FAIL
        untouched = false
        continue
      }
      const value = input[guard.key]
      if (value === null || value === undefined) {
        if (value === null ? !guard.takesNull : !guard.takesUndefined) return FAIL
        untouched = false
      }
    }
    if (untouched) return from(input)
    // A copy: the caller's value is never changed.
    const output = { ...input }
    applyFieldSteps(output, steps)
    return from(output)
  }
}

const compileNode = (ast: AST.AST, compile: (ast: AST.AST) => Decoder, direction: Direction): Decoder => {
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
      // The filter judges the type side: what decoding produced, or what encoding was given.
      return direction === "decode"
        ? (input) => {
            const decoded = from(input)
            return decoded === FAIL || Option.isSome(ast.filter(decoded, PARSE_OPTIONS, ast)) ? FAIL : decoded
          }
        : (input) => {
            const encoded = from(input)
            return encoded === FAIL || Option.isSome(ast.filter(input, PARSE_OPTIONS, ast)) ? FAIL : encoded
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
      return compileTransformation(ast, compile, direction)
    case "UniqueSymbol":
    case "SymbolKeyword":
    case "BigIntKeyword":
    case "Declaration":
    case "TemplateLiteral":
      throw new Unsupported()
  }
}

/** Nodes the compiler does not cover; a composed transformation is left to Effect. */
const refuses = (ast: AST.AST): boolean => {
  switch (ast._tag) {
    case "Declaration":
    case "TemplateLiteral":
    case "UniqueSymbol":
    case "SymbolKeyword":
    case "BigIntKeyword":
      return true
    case "Transformation":
      return ast.transformation._tag === "ComposeTransformation"
    default:
      return false
  }
}

const compilerFor = (direction: Direction): Compiler<Decoder> => ({
  compiled: new WeakMap(),
  refuses,
  // A suspended part is checked when it is compiled, on first use: some suspensions build a new AST per call.
  checksSuspendedParts: false,
  compileNode: (ast, compile) => compileNode(ast, compile, direction)
})

const decoding = compilerFor("decode")
const encoding = compilerFor("encode")

/** The compiled fast path for a schema (undefined when it has a part not covered). */
export const fastDecoderOf = (schema: Schema.Schema.Any): Decoder | undefined => compileOnce(decoding, schema.ast)

/** The compiled encoder of a schema: a value of its type → its wire value (undefined when a part is not covered). */
export const fastEncoderOf = (schema: Schema.Schema.Any): Decoder | undefined => compileOnce(encoding, schema.ast)

/*
 * Both below compile on first use, not when made: modules make their
 * decoders at import (a store's row decoders, a listing's encoder), and a
 * process often uses few of them — a CLI command one or two. Compiling all
 * of them was ~10 ms of a command's start. Effect's own decoder (for a value
 * the compiled one does not vouch for) is made only when first needed.
 */

/**
 * Decode a response body: the compiled decoder when it vouches for the
 * value, else Effect's decoder (which also writes the errors).
 */
export const decodeResponse = <A, I>(
  schema: Schema.Schema<A, I>
): ((input: unknown) => Either.Either<A, ParseResult.ParseError>) => {
  let fast: Decoder | undefined | null = null
  let full: ((input: unknown) => Either.Either<A, ParseResult.ParseError>) | undefined
  return (input) => {
    if (fast === null) fast = fastDecoderOf(schema)
    if (fast !== undefined) {
      const decoded = fast(input)
      if (decoded !== FAIL) return Either.right(decoded as A)
    }
    return (full ??= Schema.decodeUnknownEither(schema, PARSE_OPTIONS))(input)
  }
}

/**
 * Encode a value of the schema's type: the compiled encoder when it vouches
 * for the value, else Effect's encoder (which throws with the field errors).
 */
export const encodeSync = <A, I>(schema: Schema.Schema<A, I>): ((value: unknown) => I) => {
  let fast: Decoder | undefined | null = null
  let full: ((value: unknown) => I) | undefined
  return (value) => {
    if (fast === null) fast = fastEncoderOf(schema)
    if (fast !== undefined) {
      const encoded = fast(value)
      if (encoded !== FAIL) return encoded as I
    }
    return (full ??= Schema.encodeUnknownSync(schema))(value)
  }
}
