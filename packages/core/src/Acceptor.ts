/**
 * A fast yes/no for "does this value decode to itself under this schema?",
 * compiled once from the schema's AST. Servers validate every request body
 * and path parameter; most are valid, and for a schema without
 * transformations a valid value decodes to itself, so the answer can be the
 * value as given. Effect's full decoder (with `errors: "all"` and excess
 * properties refused) allocates a parse result per node and cost several
 * times more per request in the gateway (measured; see the gateway README).
 *
 * The acceptor is derived from the same AST the decoder runs — literals,
 * keywords, structs (excess properties refused), records, arrays and tuples,
 * unions, suspended schemas, and refinements through their own filters — so
 * there is still one description of each shape. A schema with anything else
 * (a transformation, a declaration, a template literal) gets no acceptor,
 * and a value the acceptor refuses goes to the full decoder, which produces
 * the field errors: the acceptor only ever short-cuts a success.
 */
import * as Option from "effect/Option"
import type * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { compileOnce, isRecord, Unsupported, type Compiler } from "./SchemaCompiler.js"

/** True when the value decodes, unchanged, under the schema it was compiled from. */
export type Acceptor = (value: unknown) => boolean

const FILTER_OPTIONS: AST.ParseOptions = {}

const compileTypeLiteral = (ast: AST.TypeLiteral, compile: (ast: AST.AST) => Acceptor): Acceptor => {
  const properties = ast.propertySignatures.map((property) => {
    if (typeof property.name !== "string") throw new Unsupported()
    return { name: property.name, optional: property.isOptional, accept: compile(property.type) }
  })
  const known = new Set(properties.map((p) => p.name))
  // A record (`Record<string, X>`): every string key is known, its value checked by X.
  let rest: Acceptor | undefined
  for (const signature of ast.indexSignatures) {
    if (signature.parameter._tag !== "StringKeyword" || rest !== undefined) throw new Unsupported()
    rest = compile(signature.type)
  }
  return (value) => {
    if (!isRecord(value)) return false
    for (const property of properties) {
      if (!Object.prototype.hasOwnProperty.call(value, property.name)) {
        if (!property.optional) return false
        continue
      }
      if (!property.accept(value[property.name])) return false
    }
    for (const key in value) {
      if (known.has(key)) continue
      // Excess properties are refused, as the servers' decoder does.
      if (rest === undefined || !rest(value[key])) return false
    }
    return true
  }
}

const compileTuple = (ast: AST.TupleType, compile: (ast: AST.AST) => Acceptor): Acceptor => {
  if (ast.rest.length > 1) throw new Unsupported()
  const elements = ast.elements.map((element) => ({ optional: element.isOptional, accept: compile(element.type) }))
  const rest = ast.rest.length === 1 ? compile(ast.rest[0]!.type) : undefined
  return (value) => {
    if (!Array.isArray(value)) return false
    for (let i = 0; i < elements.length; i++) {
      if (i >= value.length) {
        if (!elements[i]!.optional) return false
        continue
      }
      if (!elements[i]!.accept(value[i])) return false
    }
    if (value.length > elements.length && rest === undefined) return false
    for (let i = elements.length; i < value.length; i++) if (!rest!(value[i])) return false
    return true
  }
}

const compileNode = (ast: AST.AST, compile: (ast: AST.AST) => Acceptor): Acceptor => {
  switch (ast._tag) {
    case "Literal": {
      const literal = ast.literal
      return (value) => value === literal
    }
    case "UniqueSymbol": {
      const symbol = ast.symbol
      return (value) => value === symbol
    }
    case "UndefinedKeyword":
    case "VoidKeyword":
      return (value) => value === undefined
    case "NeverKeyword":
      return () => false
    case "UnknownKeyword":
    case "AnyKeyword":
      return () => true
    case "StringKeyword":
      return (value) => typeof value === "string"
    case "NumberKeyword":
      return (value) => typeof value === "number"
    case "BooleanKeyword":
      return (value) => typeof value === "boolean"
    case "BigIntKeyword":
      return (value) => typeof value === "bigint"
    case "SymbolKeyword":
      return (value) => typeof value === "symbol"
    case "ObjectKeyword":
      return (value) => (typeof value === "object" && value !== null) || typeof value === "function"
    case "Enums": {
      const values = new Set<unknown>(ast.enums.map(([, value]) => value))
      return (value) => values.has(value)
    }
    case "Refinement": {
      const from = compile(ast.from)
      return (value) => from(value) && Option.isNone(ast.filter(value, FILTER_OPTIONS, ast))
    }
    case "TypeLiteral":
      return compileTypeLiteral(ast, compile)
    case "TupleType":
      return compileTuple(ast, compile)
    case "Union": {
      const members = ast.types.map(compile)
      return (value) => {
        for (const member of members) if (member(value)) return true
        return false
      }
    }
    case "Suspend": {
      // Compiled on first use: a recursive schema refers to itself.
      let inner: Acceptor | undefined
      return (value) => (inner ??= compile(ast.f()))(value)
    }
    case "Declaration":
    case "TemplateLiteral":
    case "Transformation":
      throw new Unsupported()
  }
}

const compiled = new WeakMap<AST.AST, Acceptor | null>()

/** Transformations change the value, so "decodes unchanged" cannot hold: Effect decides those. */
const refuses = (ast: AST.AST): boolean =>
  ast._tag === "Declaration" || ast._tag === "TemplateLiteral" || ast._tag === "Transformation"

const compiler: Compiler<Acceptor> = { compiled, refuses, checksSuspendedParts: true, compileNode }

/**
 * The acceptor for a schema, compiled on first use and remembered; undefined
 * when the schema has a part the acceptor does not cover (then decode with
 * Effect every time).
 */
export const acceptorOf = (schema: Schema.Schema.Any): Acceptor | undefined => compileOnce(compiler, schema.ast)
