/**
 * The request acceptor (Acceptor.ts) run on a body's JSON text as sent:
 * "does this text parse to a value the schema accepts unchanged, no deeper
 * than JsonDepth allows?" — answered in one pass over the text, without
 * building the parsed value. A proxy validates every body it forwards and
 * forwards the bytes, not the value: parsing a body only to check it cost
 * more than the check itself (measured: JSON.parse of the gateway bench's
 * 89-byte body and its garbage were most of the gateway's validation; see
 * BENCHMARKS.md).
 *
 * Compiled once per schema from the same AST as the value acceptor, node for
 * node, and used the same way: only ever to short-cut a success. Whenever it
 * says yes, `JSON.parse` of the same text succeeds and the value acceptor
 * takes the result (tested on generated and broken bodies of every
 * endpoint). What it does not read on the text it declines, and the caller
 * parses and decodes as before, which produces the field errors: a key
 * written with escapes, a literal spelled otherwise than JSON.stringify
 * spells it. A refinement (a pattern, a length) and an enum are checked by
 * the value acceptor on the one value they constrain, read from its span.
 */
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import { acceptorOf } from "./Acceptor.js"
import { MAX_JSON_DEPTH } from "./JsonDepth.js"
import { compileOnce, Unsupported, type Compiler } from "./SchemaCompiler.js"

/**
 * Reads one JSON value starting at `at` (its first character, not
 * whitespace) at nesting depth `depth` (the body itself is 1, as JsonDepth
 * counts) and returns the index just past it, or -1 when the value is not
 * one the schema takes unchanged (or not one read here).
 */
type Reader = (text: string, at: number, depth: number) => number

/** True when the text is JSON whose parsed value the schema takes unchanged (and that nests no deeper than allowed). */
export type JsonTextAcceptor = (text: string) => boolean

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const MINUS = 0x2d

/** JSON's four whitespace characters (past the end, `charCodeAt` is NaN: no whitespace, no match for anything). */
const skipSpace = (text: string, at: number): number => {
  if (text.charCodeAt(at) > 0x20) return at // most values follow their comma or colon directly
  for (;;) {
    const c = text.charCodeAt(at)
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return at
    at++
  }
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39

const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66)

/**
 * Set by `readString`: whether the string it read has no escape, so the
 * text between its quotes is its value. One module-level flag instead of a
 * result object per string.
 */
let lastStringPlain = true

/** A JSON string at `at` (its opening quote): the index past its closing quote, or -1 when it is not valid JSON. */
const readString = (text: string, at: number): number => {
  if (text.charCodeAt(at) !== QUOTE) return -1
  let plain = true
  for (let i = at + 1; i < text.length; ) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      lastStringPlain = plain
      return i + 1
    }
    if (c < 0x20) return -1 // a raw control character: JSON.parse refuses it
    if (c === BACKSLASH) {
      plain = false
      const escaped = text.charCodeAt(i + 1)
      if (escaped === 0x75 /* u */) {
        if (!isHex(text.charCodeAt(i + 2)) || !isHex(text.charCodeAt(i + 3)) || !isHex(text.charCodeAt(i + 4)) || !isHex(text.charCodeAt(i + 5))) {
          return -1
        }
        i += 6
        continue
      }
      // \" \\ \/ \b \f \n \r \t
      if (
        escaped !== QUOTE && escaped !== BACKSLASH && escaped !== 0x2f && escaped !== 0x62 &&
        escaped !== 0x66 && escaped !== 0x6e && escaped !== 0x72 && escaped !== 0x74
      ) return -1
      i += 2
      continue
    }
    i++
  }
  return -1
}

/** A JSON number at `at`: the index past it, or -1 (JSON's grammar: no `+`, no leading zeros, digits on both sides of `.`). */
const readNumber = (text: string, at: number): number => {
  let i = at
  if (text.charCodeAt(i) === MINUS) i++
  if (text.charCodeAt(i) === 0x30) i++
  else if (isDigit(text.charCodeAt(i))) {
    while (isDigit(text.charCodeAt(i))) i++
  } else return -1
  if (text.charCodeAt(i) === 0x2e /* . */) {
    i++
    if (!isDigit(text.charCodeAt(i))) return -1
    while (isDigit(text.charCodeAt(i))) i++
  }
  const e = text.charCodeAt(i) | 0x20
  if (e === 0x65 /* e E */) {
    i++
    if (text.charCodeAt(i) === 0x2b || text.charCodeAt(i) === MINUS) i++
    if (!isDigit(text.charCodeAt(i))) return -1
    while (isDigit(text.charCodeAt(i))) i++
  }
  return i
}

/**
 * Whether a character may continue a number or a bare word (`true`,
 * `null`): a literal read as the start of a longer token (1 of 10) is no match.
 */
const continuesToken = (c: number): boolean => isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || c === 0x2e || c === 0x2b || c === MINUS

/** Exactly this text (a literal as JSON.stringify spells it), as a whole token. */
const readExactly = (expected: string): Reader => (text, at) =>
  text.startsWith(expected, at) && !continuesToken(text.charCodeAt(at + expected.length)) ? at + expected.length : -1

const readTrue = readExactly("true")
const readFalse = readExactly("false")
const readNull = readExactly("null")

const readBoolean: Reader = (text, at, depth) => (text.charCodeAt(at) === 0x74 ? readTrue(text, at, depth) : readFalse(text, at, depth))

/** Any JSON value (for `unknown`), no deeper than JsonDepth allows. */
const readAny: Reader = (text, at, depth) => {
  const c = text.charCodeAt(at)
  if (c === QUOTE) return readString(text, at)
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    if (depth > MAX_JSON_DEPTH) return -1
    const close = c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET
    let i = skipSpace(text, at + 1)
    if (text.charCodeAt(i) === close) return i + 1
    for (;;) {
      if (c === OPEN_BRACE) {
        i = readString(text, i)
        if (i < 0) return -1
        i = skipSpace(text, i)
        if (text.charCodeAt(i) !== COLON) return -1
        i = skipSpace(text, i + 1)
      }
      i = readAny(text, i, depth + 1)
      if (i < 0) return -1
      i = skipSpace(text, i)
      if (text.charCodeAt(i) === close) return i + 1
      if (text.charCodeAt(i) !== COMMA) return -1
      i = skipSpace(text, i + 1)
    }
  }
  if (c === 0x74) return readTrue(text, at, depth)
  if (c === 0x66) return readFalse(text, at, depth)
  if (c === 0x6e) return readNull(text, at, depth)
  return readNumber(text, at)
}

const never: Reader = () => -1

/**
 * The value written between `start` and `end` (a span a reader accepted as
 * valid JSON), as JSON.parse reads it; a string without escapes straight
 * from the text.
 */
const valueOf = (text: string, start: number, end: number): unknown => {
  if (text.charCodeAt(start) === QUOTE) {
    const inner = text.slice(start + 1, end - 1)
    if (!inner.includes("\\")) return inner
  }
  return JSON.parse(text.slice(start, end))
}

/**
 * A node the text cannot settle on its own (a refinement, an enum): `read`
 * checks the span's syntax and shape, then the value acceptor decides on the
 * value read from it — the same function the value path runs.
 */
const checkedValue = (read: Reader, ast: AST.AST): Reader => {
  const accept = acceptorOf({ ast } as Schema.Schema.Any)
  if (accept === undefined) throw new Unsupported()
  return (text, at, depth) => {
    const end = read(text, at, depth)
    return end >= 0 && accept(valueOf(text, at, end)) ? end : -1
  }
}

/**
 * Effect's own `Schema.UUID` (the node itself, not a look-alike), read on the
 * text: 8-4-4-4-12 hex digits between quotes, as its pattern
 * (`UUID_PATTERN`, checked against Effect's in the tests) says. Datasets and
 * samples are named by UUIDs in the bodies clients send most; the value
 * path's check (the value read out of the text, then Effect's filter and
 * the regular expression) was half of what checking such a body cost in the
 * gateway (measured: BENCHMARKS.md). A UUID written with escapes is
 * declined, and the decoder settles it.
 */
const readUuid: Reader = (text, at) => {
  if (text.charCodeAt(at) !== QUOTE || text.charCodeAt(at + 37) !== QUOTE) return -1
  for (let k = 1; k <= 36; k++) {
    const c = text.charCodeAt(at + k)
    if (k === 9 || k === 14 || k === 19 || k === 24 ? c !== MINUS : !isHex(c)) return -1
  }
  return at + 38
}

/** The pattern `readUuid` reads (Effect's, for `Schema.UUID`). */
export const UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

/** A literal as JSON.stringify spells it; any other spelling is declined, not refused. */
const compileLiteral = (literal: AST.LiteralValue): Reader => {
  if (literal === null) return readNull
  if (typeof literal === "bigint") return never
  return readExactly(JSON.stringify(literal))
}

/**
 * A struct (closed: a key it does not declare is declined, as the value
 * acceptor refuses it) or a record. A key written with an escape is
 * declined. A key given twice is read twice: both must be accepted
 * (JSON.parse keeps the last).
 */
const compileTypeLiteral = (ast: AST.TypeLiteral, compile: (ast: AST.AST) => Reader): Reader => {
  const properties = ast.propertySignatures.map((property) => {
    if (typeof property.name !== "string") throw new Unsupported()
    return { key: property.name, optional: property.isOptional, read: compile(property.type) }
  })
  // Which required properties were seen is kept in one integer's bits.
  if (properties.length > 30) throw new Unsupported()
  let requiredMask = 0
  properties.forEach((property, index) => {
    if (!property.optional) requiredMask |= 1 << index
  })
  let rest: Reader | undefined
  for (const signature of ast.indexSignatures) {
    if (signature.parameter._tag !== "StringKeyword" || rest !== undefined) throw new Unsupported()
    rest = compile(signature.type)
  }
  const count = properties.length
  return (text, at, depth) => {
    if (text.charCodeAt(at) !== OPEN_BRACE || depth > MAX_JSON_DEPTH) return -1
    let seen = 0
    let i = skipSpace(text, at + 1)
    if (text.charCodeAt(i) !== CLOSE_BRACE) {
      for (;;) {
        const keyStart = i + 1
        i = readString(text, i)
        if (i < 0 || !lastStringPlain) return -1
        const keyLength = i - 1 - keyStart
        let property = -1
        for (let p = 0; p < count; p++) {
          const key = properties[p]!.key
          if (key.length === keyLength && text.startsWith(key, keyStart)) {
            property = p
            break
          }
        }
        if (property < 0 && rest === undefined) return -1
        i = skipSpace(text, i)
        if (text.charCodeAt(i) !== COLON) return -1
        i = skipSpace(text, i + 1)
        if (property >= 0) {
          i = properties[property]!.read(text, i, depth + 1)
          seen |= 1 << property
        } else i = rest!(text, i, depth + 1)
        if (i < 0) return -1
        i = skipSpace(text, i)
        if (text.charCodeAt(i) === CLOSE_BRACE) break
        if (text.charCodeAt(i) !== COMMA) return -1
        i = skipSpace(text, i + 1)
      }
    }
    return (seen & requiredMask) === requiredMask ? i + 1 : -1
  }
}

const compileTuple = (ast: AST.TupleType, compile: (ast: AST.AST) => Reader): Reader => {
  if (ast.rest.length > 1) throw new Unsupported()
  const elements = ast.elements.map((element) => ({ optional: element.isOptional, read: compile(element.type) }))
  const rest = ast.rest.length === 1 ? compile(ast.rest[0]!.type) : undefined
  return (text, at, depth) => {
    if (text.charCodeAt(at) !== OPEN_BRACKET || depth > MAX_JSON_DEPTH) return -1
    let i = skipSpace(text, at + 1)
    let index = 0
    if (text.charCodeAt(i) !== CLOSE_BRACKET) {
      for (;;) {
        const read = index < elements.length ? elements[index]!.read : rest
        if (read === undefined) return -1
        i = read(text, i, depth + 1)
        if (i < 0) return -1
        index++
        i = skipSpace(text, i)
        if (text.charCodeAt(i) === CLOSE_BRACKET) break
        if (text.charCodeAt(i) !== COMMA) return -1
        i = skipSpace(text, i + 1)
      }
    }
    // Fewer values than required elements.
    for (let e = index; e < elements.length; e++) if (!elements[e]!.optional) return -1
    return i + 1
  }
}

/** Schema nodes no JSON value can be. */
const NO_JSON_VALUE: ReadonlySet<AST.AST["_tag"]> = new Set(["UniqueSymbol", "UndefinedKeyword", "VoidKeyword", "NeverKeyword", "BigIntKeyword", "SymbolKeyword"])

/** The characters a JSON value of this schema can start with (all of them when not known). */
const firstCharacters = (ast: AST.AST): ReadonlyArray<number> => {
  if (NO_JSON_VALUE.has(ast._tag)) return []
  switch (ast._tag) {
    case "Literal":
      return ast.literal === null ? [0x6e] : typeof ast.literal === "bigint" ? [] : [JSON.stringify(ast.literal).charCodeAt(0)]
    case "StringKeyword":
    case "TemplateLiteral":
      return [QUOTE]
    case "NumberKeyword":
      return NUMBER_START
    case "BooleanKeyword":
      return [0x74, 0x66]
    case "TypeLiteral":
      return [OPEN_BRACE]
    case "TupleType":
      return [OPEN_BRACKET]
    case "ObjectKeyword":
      return [OPEN_BRACE, OPEN_BRACKET]
    case "Refinement":
      return firstCharacters(ast.from)
    case "Union":
      return [...new Set(ast.types.flatMap(firstCharacters))]
    default:
      return ANY_START
  }
}

const NUMBER_START = [MINUS, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39]
const ANY_START = Array.from({ length: 128 }, (_, c) => c)

/** A union's members, unions inside it flattened. */
const unionMembers = (ast: AST.AST): Array<AST.AST> => (ast._tag === "Union" ? ast.types.flatMap(unionMembers) : [ast])

/**
 * A union, by its value's first character: only the members a value
 * starting so can be are tried (an optional nullable list is a string, an
 * array or null — one try each, not three). Any member's yes is the union's,
 * as in the value acceptor.
 */
const compileUnion = (ast: AST.Union, compile: (ast: AST.AST) => Reader): Reader => {
  const members = unionMembers(ast).map((member) => ({ starts: firstCharacters(member), read: compile(member) }))
  const byStart: Array<Reader | undefined> = []
  for (let c = 0; c < 128; c++) {
    const candidates = members.filter((member) => member.starts.includes(c)).map((member) => member.read)
    byStart[c] =
      candidates.length === 0 ? undefined
      : candidates.length === 1 ? candidates[0]
      : (text, at, depth) => {
          for (let m = 0; m < candidates.length; m++) {
            const end = candidates[m]!(text, at, depth)
            if (end >= 0) return end
          }
          return -1
        }
  }
  return (text, at, depth) => {
    // Past the end (NaN) or a character no JSON value starts with: no member.
    const read = byStart[text.charCodeAt(at)]
    return read === undefined ? -1 : read(text, at, depth)
  }
}

const compileNode = (ast: AST.AST, compile: (ast: AST.AST) => Reader): Reader => {
  if (NO_JSON_VALUE.has(ast._tag)) return never
  switch (ast._tag) {
    case "Literal":
      return compileLiteral(ast.literal)
    case "UnknownKeyword":
    case "AnyKeyword":
      return readAny
    case "StringKeyword":
      return readString
    case "NumberKeyword":
      return readNumber
    case "BooleanKeyword":
      return readBoolean
    case "ObjectKeyword":
      return (text, at, depth) => {
        const c = text.charCodeAt(at)
        return c === OPEN_BRACE || c === OPEN_BRACKET ? readAny(text, at, depth) : -1
      }
    case "Enums":
      return checkedValue(readAny, ast)
    case "Refinement":
      return ast === Schema.UUID.ast ? readUuid : checkedValue(compile(ast.from), ast)
    case "TypeLiteral":
      return compileTypeLiteral(ast, compile)
    case "TupleType":
      return compileTuple(ast, compile)
    case "Union":
      return compileUnion(ast, compile)
    case "Suspend": {
      // Compiled on first use: a recursive schema refers to itself.
      let inner: Reader | undefined
      return (text, at, depth) => (inner ??= compile(ast.f()))(text, at, depth)
    }
    case "Declaration":
    case "TemplateLiteral":
    case "Transformation":
      throw new Unsupported()
    default:
      return never // NO_JSON_VALUE's nodes (read above); a no only declines: the caller decodes as before
  }
}

/** A body as a whole: one object, nothing but whitespace around it. */
const wholeBody = (read: Reader): JsonTextAcceptor => (text) => {
  const at = skipSpace(text, 0)
  if (text.charCodeAt(at) !== OPEN_BRACE) return false
  const end = read(text, at, 1)
  return end >= 0 && skipSpace(text, end) === text.length
}

const compiled = new WeakMap<AST.AST, Reader | null>()

const refuses = (ast: AST.AST): boolean =>
  ast._tag === "Declaration" || ast._tag === "TemplateLiteral" || ast._tag === "Transformation"

const compiler: Compiler<Reader> = { compiled, refuses, checksSuspendedParts: true, compileNode }

const bodies = new WeakMap<AST.AST, JsonTextAcceptor | null>()

/**
 * The text acceptor for a request-body schema (a JSON object at the top),
 * compiled on first use and remembered; undefined when the schema has a part
 * the value acceptor does not cover either.
 */
export const jsonTextAcceptorOf = (schema: Schema.Schema.Any): JsonTextAcceptor | undefined => {
  const known = bodies.get(schema.ast)
  if (known !== undefined) return known ?? undefined
  const read = acceptorOf(schema) === undefined ? undefined : compileOnce(compiler, schema.ast)
  const accept = read === undefined ? undefined : wholeBody(read)
  bodies.set(schema.ast, accept ?? null)
  return accept
}
