/**
 * Validates a matched request with core's `decodeRequest` before anything
 * goes upstream: path parameters, query, body (closed: unknown properties
 * are refused) and If-Match. Failures are 400 problem+json listing every
 * field path; nothing is forwarded. Also validates the gateway's own query
 * extensions (`wait`, `dedupe`).
 */
import * as Either from "effect/Either"
import type { MiddlewareHandler } from "hono"
import { DurationText, RequestDecoding, Secrets, type Endpoint, type FieldError } from "@fruxkit/core"
import type { GatewayEnv } from "../../env.js"
import { KeyedMemo } from "../../keyed-memo.js"
import { GatewayProblem, invalidRequest } from "../../problem.js"
import { requireMatched } from "../route-match/index.js"
import { header, requestState } from "../../request-context.js"

export interface ValidateRequestOptions {
  /** Endpoints that accept `?wait=`. */
  readonly waitEndpoints: ReadonlyArray<Endpoint.Any>
  /** Endpoints that accept `?dedupe=`. */
  readonly dedupeEndpoints: ReadonlyArray<Endpoint.Any>
  /** Longer waits are shortened to this rather than refused. */
  readonly maxWaitMs: number
}

const textDecoder = new TextDecoder()

/** A field whose value may be a secret: under an external candidate's configuration, or named by core's secret rule. */
const isSecretFieldPath = (path: string): boolean =>
  path.includes("candidateExternalConfig") || path.split(/[.[\]]/).some((segment) => segment !== "" && Secrets.isSecretKey(segment))

/** Decode messages may quote the offending value; a secret field's is never shown. */
const withoutSecretValues = (errors: ReadonlyArray<FieldError>): Array<FieldError> =>
  errors.map((e) => (isSecretFieldPath(e.path) ? { path: e.path, message: "invalid value (not shown: may be a secret)" } : e))

/**
 * A path's parameters decode the same way every time, and a request with no
 * query, body or If-Match decodes wholly the same way every time its path is
 * the same: both are remembered (bounded, emptied when full). Polling a run
 * is the gateway's most repeated request; posting to the same record's or
 * run's path comes next.
 */
const MEMO_SIZE = 10_000

interface Remembered {
  /** The path parameters, decoded. */
  readonly path: RequestDecoding.DecodedRequest["path"]
  /** The whole decoding, when a request with no query, body or If-Match was seen at this path. */
  plain: RequestDecoding.DecodedRequest | undefined
}

/** `application/json` or `application/<something>+json`. */
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i

/** Whether a content type is JSON; clients send the same one again and again, so the last answer is kept. */
let lastContentType = "application/json"
let lastIsJson = true
const isJsonType = (contentType: string): boolean => {
  if (contentType !== lastContentType) {
    lastContentType = contentType
    lastIsJson = JSON_TYPE.test(contentType)
  }
  return lastIsJson
}

/** The query of a URL without one (read-only use: never appended to). */
const NO_QUERY = new URLSearchParams()

export const validateRequest = (options: ValidateRequestOptions): MiddlewareHandler<GatewayEnv> => {
  // By endpoint, then path (one path serves several endpoints: GET lists datasets, POST creates one).
  const memo = new KeyedMemo<Remembered>(MEMO_SIZE)
  const waitEndpoints = new Set(options.waitEndpoints)
  const dedupeEndpoints = new Set(options.dedupeEndpoints)
  const waitNames = options.waitEndpoints.map((e) => e.name).join(", ")
  const dedupeNames = options.dedupeEndpoints.map((e) => e.name).join(", ")
  return function validateRequest(c, next) {
    const match = requireMatched(c)
    const rawUrl = c.req.url
    const q = rawUrl.indexOf("?")
    const ifMatch = header(c, "if-match")
    const state = requestState(c)
    const plain = state.rawBody === undefined && q < 0 && ifMatch === undefined
    const remembered = memo.get(match.endpoint.name, c.req.path)
    if (plain && remembered?.plain !== undefined && match.endpoint.ifMatch !== "required") {
      // waitMs and dedupe stay unset: undefined and false (every variable set
      // on a Hono context is a Map entry; fewer keep its table from growing).
      state.decoded = remembered.plain
      return next()
    }
    const issues: Array<FieldError> = []

    const raw = state.rawBody
    let body: unknown = undefined
    let acceptedBodyText: string | undefined
    if (raw !== undefined) {
      const contentType = header(c, "content-type")
      if (contentType !== undefined && !isJsonType(contentType)) {
        throw new GatewayProblem(415, "unsupported-media-type", "Unsupported media type", "send the body as application/json")
      }
      const text = textDecoder.decode(raw)
      // Checked on its text when the check can say yes (most bodies): the bytes are forwarded as sent, so
      // nothing needs the parsed value yet. Otherwise parsed and decoded, which names every bad field.
      if (RequestDecoding.acceptsBodyText(match.endpoint, text)) acceptedBodyText = text
      else {
        try {
          body = JSON.parse(text)
        } catch {
          issues.push({ path: "body", message: "is not valid JSON" })
        }
      }
    }

    const query = q < 0 ? NO_QUERY : new URLSearchParams(rawUrl.slice(q + 1))
    let waitMs: number | undefined
    const wait = q < 0 ? null : query.get("wait")
    if (wait !== null) {
      if (!waitEndpoints.has(match.endpoint)) {
        issues.push({ path: "query.wait", message: `is only accepted on ${waitNames}` })
      } else {
        const parsed = DurationText.parse(wait)
        if (parsed === undefined) issues.push({ path: "query.wait", message: `must be ${DurationText.GRAMMAR}` })
        else waitMs = Math.min(parsed, options.maxWaitMs)
      }
    }
    let dedupe = false
    const dedupeParam = q < 0 ? null : query.get("dedupe")
    if (dedupeParam !== null) {
      if (!dedupeEndpoints.has(match.endpoint)) {
        issues.push({ path: "query.dedupe", message: `is only accepted on ${dedupeNames}` })
      } else if (dedupeParam === "true" || dedupeParam === "1") dedupe = true
      else if (dedupeParam !== "false" && dedupeParam !== "0") issues.push({ path: "query.dedupe", message: "must be true or false" })
    }

    if (issues.length === 0 || !issues.some((i) => i.path === "body")) {
      const decoded = RequestDecoding.decodeRequest(match.endpoint, {
        params: match.params,
        query,
        body,
        acceptedBodyText,
        ifMatch,
        decodedPath: remembered?.path
      })
      if (Either.isLeft(decoded)) issues.push(...decoded.left)
      else {
        state.decoded = decoded.right
        if (remembered === undefined) memo.set(match.endpoint.name, c.req.path, { path: decoded.right.path, plain: plain ? decoded.right : undefined })
        else if (plain) remembered.plain = decoded.right
      }
    }
    if (match.endpoint.ifMatch === "required" && ifMatch === undefined) {
      // Only the header missing: 428, as the local backend answers (both modes agree).
      if (issues.length === 0) {
        throw new GatewayProblem(428, "if-match-required", "If-Match required", "send If-Match with the draft version you last saw (7, \"7\" or W/\"7\"); nothing ran")
      }
      issues.push({ path: "header.If-Match", message: "is required: the draft version you last saw (7, \"7\" or W/\"7\")" })
    }
    if (issues.length > 0) throw invalidRequest(withoutSecretValues(issues))

    if (waitMs !== undefined) state.waitMs = waitMs
    if (dedupe) state.dedupe = dedupe
    return next()
  }
}
