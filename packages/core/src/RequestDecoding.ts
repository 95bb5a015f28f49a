/**
 * Decoding an inbound request against the endpoint table, for servers and
 * proxies (the gateway validates before forwarding; the local backend before
 * touching its store). Request bodies are closed: an unknown property is an
 * error. Every problem names its field path (`body.datasetIds[0]`,
 * `path.revision`, `query.PageSize`, `header.If-Match`).
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as Endpoint from "./Endpoint.js"
import { acceptorOf } from "./Acceptor.js"
import { jsonTextAcceptorOf } from "./JsonTextAcceptor.js"
import { encodeSync } from "./ResponseDecoding.js"
import * as IfMatch from "./IfMatch.js"
import * as JsonDepth from "./JsonDepth.js"
import type { FieldError } from "./schema/Problem.js"

/** One path segment: no `/`, no `..`, no control or non-ASCII characters. */
export const PathSegment = Schema.String.pipe(
  Schema.minLength(1, { message: () => "must not be empty" }),
  Schema.maxLength(128, { message: () => "must be at most 128 characters" }),
  Schema.pattern(/^[A-Za-z0-9][A-Za-z0-9_.~-]*$/, {
    message: () => "may hold only letters, digits, '_', '.', '~' and '-', starting with a letter or digit"
  })
)

/**
 * A revision in a path is canonical decimal digits, nothing else: `0x2`,
 * `2e0`, ` 2`, `+2` and `02` all read as 2 to `Number`, and none of them is
 * the revision 2's path.
 */
const Revision = Schema.transform(
  Schema.String.pipe(
    Schema.pattern(/^(?:0|[1-9]\d{0,14})$/, {
      message: () => "must be a revision number: decimal digits only, no sign, space or leading zero"
    })
  ),
  Schema.Number,
  { strict: true, decode: (digits) => Number(digits), encode: (revision) => String(revision) }
)

/** How each path parameter of the table is validated, by its name. */
export const pathParamSchemas: Readonly<Record<string, Schema.Schema<any, string>>> = {
  tenant: PathSegment,
  agent: PathSegment,
  revision: Revision,
  executionRecord: PathSegment,
  evaluationRun: PathSegment,
  dataset: PathSegment
}

export interface DecodedRequest {
  readonly path: Readonly<Record<string, string | number>>
  readonly query: unknown
  readonly body: unknown
  /** The draft version `If-Match` names, when the endpoint takes one and it was sent. */
  readonly ifMatch: number | undefined
}

const formatPath = (prefix: string, path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>(
    (acc, key) => (typeof key === "number" ? `${acc}[${key}]` : `${acc}.${String(key)}`),
    prefix
  )

/**
 * A parse error as field errors. A union (`T | null`) reports one issue per
 * member; an issue whose path is a prefix of a deeper one only says the
 * value was not the other member, so the deeper, more specific one is kept.
 */
export const fieldErrorsOf = (prefix: string, error: ParseResult.ParseError): Array<FieldError> => {
  const all = ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => ({
    path: formatPath(prefix, issue.path),
    message: withoutValue(issue.message)
  }))
  const specific = all.filter(
    (issue) => !all.some((other) => other.path !== issue.path && (other.path.startsWith(`${issue.path}.`) || other.path.startsWith(`${issue.path}[`)))
  )
  // One entry per path: a union of literals says all it expected at once.
  const byPath = new Map<string, Array<string>>()
  for (const issue of specific) byPath.set(issue.path, [...(byPath.get(issue.path) ?? []), issue.message])
  return [...byPath].map(([path, messages]) => ({ path, message: mergeMessages(messages) }))
}

/**
 * Effect's messages end with the value received (`Expected string, actual
 * "sk-…"`). A problem names the path and what was expected, never what was
 * sent: the value may be a secret (an external agent's key in the wrong
 * place, a body wrapped in an array), and an echo would carry it into the
 * response, the logs and anything that stores problems.
 */
export const withoutValue = (message: string): string => message.replace(/,\s*actual\b[\s\S]*$/, "")

const EXPECTED = /^Expected (.*)$/s

const mergeMessages = (messages: ReadonlyArray<string>): string => {
  const unique = [...new Set(messages)]
  const parsed = unique.map((message) => EXPECTED.exec(message))
  if (unique.length > 1 && parsed.every((m) => m !== null)) {
    const expected = parsed.map((m) => m![1]!).filter((e) => e !== "undefined")
    return `Expected ${expected.join(" | ")}`
  }
  return unique.join("; ")
}

const strict = { errors: "all", onExcessProperty: "error" } as const
const lenient = { errors: "all", onExcessProperty: "ignore" } as const

type Decoder = (value: unknown) => Either.Either<unknown, ParseResult.ParseError>

/** Effect's decoder for a schema, made once per schema and options rather than on every call. */
const decoders = { strict: new WeakMap<Schema.Schema.Any, Decoder>(), lenient: new WeakMap<Schema.Schema.Any, Decoder>(), plain: new WeakMap<Schema.Schema.Any, Decoder>() }
const decoderOf = (schema: Schema.Schema.Any, mode: keyof typeof decoders): Decoder => {
  let decode = decoders[mode].get(schema)
  if (decode === undefined) {
    const any = schema as Schema.Schema<unknown, unknown>
    decode = mode === "strict" ? Schema.decodeUnknownEither(any, strict) : mode === "lenient" ? Schema.decodeUnknownEither(any, lenient) : Schema.decodeUnknownEither(any)
    decoders[mode].set(schema, decode)
  }
  return decode
}

/** URLSearchParams → an object; a key given more than once becomes an array. */
export const queryToObject = (params: URLSearchParams): Record<string, string | Array<string>> => {
  const out: Record<string, string | Array<string>> = {}
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key)
    out[key] = values.length === 1 ? values[0]! : values
  }
  return out
}

export interface InboundRequest {
  readonly params: Readonly<Record<string, string>>
  readonly query: URLSearchParams
  /** The parsed JSON body; `undefined` when none was sent (or when `acceptedBodyText` carries it). */
  readonly body: unknown
  /**
   * Instead of `body`: the body's JSON text as sent, which
   * `acceptsBodyText(endpoint, text)` answered yes for. It is not checked
   * again, and parsed only when the decoded request's `body` is first read
   * (a proxy forwards the bytes, and most requests never need the value).
   */
  readonly acceptedBodyText?: string | undefined
  readonly ifMatch: string | null | undefined
  /**
   * The path parameters as an earlier call decoded them for this same
   * endpoint and path: they are taken as they are instead of decoded again
   * (a proxy that remembers decoded paths skips the work on repeat calls).
   */
  readonly decodedPath?: Readonly<Record<string, string | number>> | undefined
}

/** Each path parameter by its schema; a failure is added to `issues` as `path.<name>`. */
const decodePath = (params: Readonly<Record<string, string>>, issues: Array<FieldError>): Record<string, string | number> => {
  const path: Record<string, string | number> = {}
  for (const name in params) {
    const raw = params[name]!
    const schema = pathParamSchemas[name] ?? PathSegment
    if (acceptorOf(schema)?.(raw)) {
      path[name] = raw
      continue
    }
    const result = decoderOf(schema, "plain")(raw)
    if (Either.isRight(result)) path[name] = result.right as string | number
    else {
      const messages = ParseResult.ArrayFormatter.formatErrorSync(result.left).map((issue) => withoutValue(issue.message))
      issues.push({ path: `path.${name}`, message: [...new Set(messages)].join("; ") })
    }
  }
  return path
}

/**
 * Validate everything the endpoint declares. Query parameters the endpoint
 * does not declare are ignored (proxies add their own, e.g. `wait`); body
 * properties it does not declare are refused.
 */
export const decodeRequest = (
  endpoint: Endpoint.Any,
  request: InboundRequest
): Either.Either<DecodedRequest, ReadonlyArray<FieldError>> => {
  const issues: Array<FieldError> = []
  const path: Readonly<Record<string, string | number>> = request.decodedPath ?? decodePath(request.params, issues)

  let query: unknown = undefined
  if (endpoint.query !== undefined) {
    const result = decodeQuery(endpoint, endpoint.query, request.query)
    if (Either.isRight(result)) query = result.right
    else issues.push(...fieldErrorsOf("query", result.left))
  }

  let body: unknown = undefined
  const bodyText = endpoint.body === undefined ? undefined : request.acceptedBodyText
  if (bodyText !== undefined) {
    // Accepted on its text (acceptsBodyText): the value is read when asked for.
  } else if (endpoint.body !== undefined) {
    if (request.body === undefined && endpoint.bodyRequired) {
      issues.push({ path: "body", message: "a JSON body is required" })
    } else if (request.body !== undefined && !isObject(request.body)) {
      // `null`, an array, a number: never read as "no body" (that would run
      // the request with defaults) and never shown back.
      issues.push({ path: "body", message: "must be a JSON object" })
    } else if (JsonDepth.exceeds(request.body)) {
      issues.push({ path: "body", message: `must not nest deeper than ${JsonDepth.MAX_JSON_DEPTH} levels` })
    } else {
      const value = request.body ?? {}
      if (acceptorOf(endpoint.body)?.(value)) body = value
      else {
        const result = decoderOf(endpoint.body, "strict")(value)
        if (Either.isRight(result)) body = result.right
        else issues.push(...fieldErrorsOf("body", result.left))
      }
    }
  } else if (request.body !== undefined && request.body !== null && !isEmptyObject(request.body)) {
    issues.push({ path: "body", message: "this endpoint takes no body" })
  }

  let ifMatch: number | undefined = undefined
  if (endpoint.ifMatch !== "none" && request.ifMatch !== null && request.ifMatch !== undefined) {
    ifMatch = IfMatch.parse(request.ifMatch)
    if (ifMatch === undefined) {
      issues.push({ path: "header.If-Match", message: 'must be the draft version as 7, "7" or W/"7" (decimal digits, nothing around them)' })
    }
  }

  if (issues.length > 0) return Either.left(issues)
  return Either.right(bodyText === undefined ? { path, query, body, ifMatch } : new DecodedFromText(path, query, bodyText, ifMatch))
}

/**
 * Most requests send no query at all, and an empty query decodes the same way
 * every time for an endpoint (its defaults): that decoding is remembered.
 */
const emptyQueryDecoded = new WeakMap<Endpoint.Any, Either.Either<unknown, ParseResult.ParseError>>()

const decodeQuery = (
  endpoint: Endpoint.Any,
  schema: Schema.Schema.Any,
  params: URLSearchParams
): Either.Either<unknown, ParseResult.ParseError> => {
  const decode = decoderOf(schema, "lenient")
  if (params.size > 0) return decode(queryToObject(params))
  let decoded = emptyQueryDecoded.get(endpoint)
  if (decoded === undefined) {
    decoded = decode({})
    emptyQueryDecoded.set(endpoint, decoded)
  }
  return decoded
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const isEmptyObject = (value: unknown): boolean =>
  typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0

/**
 * Whether a request body's JSON text, as sent, is one the endpoint's body
 * schema takes unchanged — checked on the text, without parsing it
 * (JsonTextAcceptor). Yes means `decodeRequest` with this text as
 * `acceptedBodyText` decodes the body exactly as it would the parsed value;
 * no means nothing: parse the text and give it as `body`, which produces the
 * field errors (or accepts what the text check leaves to the decoder).
 */
export const acceptsBodyText = (endpoint: Endpoint.Any, text: string): boolean => {
  if (endpoint.body === undefined) return false
  const accept = jsonTextAcceptorOf(endpoint.body)
  return accept !== undefined && accept(text)
}

/** A decoded request whose body was accepted on its text: parsed on the first read of `body`, once. */
class DecodedFromText implements DecodedRequest {
  #body: unknown = undefined
  #text: string | undefined

  constructor(
    readonly path: Readonly<Record<string, string | number>>,
    readonly query: unknown,
    text: string,
    readonly ifMatch: number | undefined
  ) {
    this.#text = text
  }

  get body(): unknown {
    if (this.#text !== undefined) {
      // The text check accepts only what decodes to itself: the parsed value is the decoded body.
      this.#body = JSON.parse(this.#text)
      this.#text = undefined
    }
    return this.#body
  }

  /** As a plain decoded request serialises (a getter is not an own property). */
  toJSON(): DecodedRequest {
    return { path: this.path, query: this.query, body: this.body, ifMatch: this.ifMatch }
  }
}

/** One encoder per success schema, compiled on first use (ResponseDecoding.encodeSync). */
const successEncoders = new WeakMap<Schema.Schema.Any, (value: unknown) => unknown>()

/** Encode a response body with the endpoint's success schema (servers answer through this). */
export const encodeSuccess = (endpoint: Endpoint.Any, value: unknown): unknown => {
  const schema = endpoint.success as Schema.Schema<unknown, unknown> | undefined
  if (schema === undefined) return undefined
  let encode = successEncoders.get(schema)
  if (encode === undefined) successEncoders.set(schema, (encode = encodeSync(schema)))
  return encode(value)
}
