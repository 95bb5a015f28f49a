/**
 * Translating between the client's request/response and the upstream's:
 * which headers cross (an allowlist both ways — a client's credentials never
 * do), which query parameters are the gateway's own, and how an upstream
 * error becomes problem+json.
 */
import { FruxonError, PROBLEM_CONTENT_TYPE, Route } from "@fruxkit/core"
import { GatewayProblem } from "../problem.js"
import type { AbortSignalLike } from "../deadline.js"
import type { MatchedRoute } from "../routes.js"
import type { StoredResponse } from "../idempotency/store.js"
import type { UpstreamRequest, UpstreamResponse } from "../upstream/index.js"

/** Request headers forwarded upstream. Not Authorization, not X-API-Key, not cookies. */
const FORWARDED_REQUEST_HEADERS = [
  "accept",
  "accept-language",
  "content-type",
  "if-match",
  "if-none-match",
  "user-agent"
] as const

/** Response headers passed back. Hop-by-hop headers and cookies stay behind. */
const FORWARDED_RESPONSE_HEADERS = new Set([
  "content-type",
  "etag",
  "location",
  "retry-after",
  "retry-after-ms",
  "cache-control",
  "last-modified",
  "link",
  "content-language",
  // The upstream answered from its own record of the key (the embedded backend after a lost answer).
  "idempotent-replayed",
  "x-ratelimit-limit",
  "x-ratelimit-remaining",
  "x-ratelimit-reset"
])

/** Query parameters the gateway consumes (extensions); never forwarded. */
export const GATEWAY_QUERY_PARAMS = new Set(["wait", "dedupe"])

export const upstreamPath = (match: MatchedRoute, url: string): string => {
  const q = url.indexOf("?")
  const start = url.indexOf("/", url.indexOf("//") + 2)
  const raw = url.slice(start, q < 0 ? undefined : q)
  // What reaches the upstream is the path as the router matched it: rebuilt
  // from the validated parameters, so nothing else (dot segments, encoded
  // slashes) gets through. Validated parameters hold only characters that
  // need no encoding, so a raw path without '%' or a trailing '/' already is
  // that path (and skipping the rebuild was measurable on the proxy path).
  const path = raw.includes("%") || raw.endsWith("/") ? Route.buildPath(match.endpoint.path, match.params) : raw
  if (q < 0) return path
  const search = url.slice(q + 1)
  if (search === "") return path
  if (!/(?:^|&)(?:wait|dedupe)=/.test(search)) return `${path}?${search}`
  const params = new URLSearchParams(search)
  for (const name of GATEWAY_QUERY_PARAMS) params.delete(name)
  const rest = params.toString()
  return rest ? `${path}?${rest}` : path
}

export const upstreamRequest = (options: {
  readonly match: MatchedRoute
  readonly url: string
  /** Reads one request header by lower-case name. */
  readonly header: (name: string) => string | undefined
  readonly requestId: string
  readonly body: Uint8Array | undefined
  readonly signal: AbortSignalLike | undefined
  /** Sent as `Idempotency-Key` (the client's own is never forwarded as is: it is scoped to its caller first). */
  readonly idempotencyKey?: string | undefined
}): UpstreamRequest => {
  const headers: Record<string, string> = { "x-request-id": options.requestId }
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = options.header(name)
    if (value !== undefined) headers[name] = value
  }
  if (options.idempotencyKey !== undefined) headers["idempotency-key"] = options.idempotencyKey
  if (options.body !== undefined && headers["content-type"] === undefined) headers["content-type"] = "application/json"
  return {
    method: options.match.endpoint.method,
    path: upstreamPath(options.match, options.url),
    headers,
    body: options.body,
    signal: options.signal,
    auth: options.match.endpoint.auth
  }
}

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder()

/**
 * An upstream error that is not problem+json (some servers send
 * `{message, details}`) is rewritten as one with core's reading of it, so
 * every error a client sees has the same shape.
 */
const asProblemBody = (response: UpstreamResponse): Uint8Array => {
  const contentType = response.headers["content-type"] ?? ""
  if (contentType.startsWith(PROBLEM_CONTENT_TYPE)) return response.body
  let parsed: unknown = undefined
  const text = textDecoder.decode(response.body)
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined
  } catch {
    parsed = text
  }
  return textEncoder.encode(JSON.stringify(FruxonError.problemFromBody(response.status, parsed)))
}

/**
 * The upstream's answer as the client gets it, before anything about this
 * one request is added: the forwarded headers (an allowlist), the request
 * id, and a problem+json body for an error. The idempotency store keeps
 * this; `toResponse` makes it a response.
 */
export const clientAnswer = (response: UpstreamResponse, requestId: string): StoredResponse => {
  const headers: Record<string, string> = { "x-request-id": requestId }
  for (const name in response.headers) {
    if (FORWARDED_RESPONSE_HEADERS.has(name)) headers[name] = response.headers[name]!
  }
  const status = response.status
  if (status >= 400) {
    headers["content-type"] = PROBLEM_CONTENT_TYPE
    return { status, headers, body: asProblemBody(response) }
  }
  return { status, headers, body: response.body }
}

/**
 * A client answer as the response, with `headers` (this request's: its id,
 * `Idempotent-Replayed`) over its own. An upstream 401 is about the gateway's
 * own token (the client's key was accepted here), so the client gets a 502,
 * not an invitation to change its key.
 */
export const toResponse = (answer: StoredResponse, headers?: Record<string, string>): Response => {
  const status = answer.status
  if (status === 401) throw new GatewayProblem(502, "upstream-unauthorized", "Bad gateway", "the upstream refused the gateway's credentials")
  const body = status === 204 || status === 304 || answer.body.byteLength === 0 ? null : answer.body
  return new Response(body, { status, headers: (headers === undefined ? answer.headers : { ...answer.headers, ...headers }) as Record<string, string> })
}
