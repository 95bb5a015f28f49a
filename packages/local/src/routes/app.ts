/**
 * The local backend's API: ONE handler for every request. Core's router
 * matches the path (custom `:verb` methods included, which Hono's patterns
 * cannot express), core's RequestDecoding validates it, the handler table
 * answers it, core's schemas encode the answer, and every failure becomes
 * problem+json in one place.
 *
 * Two doors to the same handler: `handle`, called in this process with
 * plain objects (the CLI: no `Request`/`Response`, so Node's fetch is never
 * loaded — `InProcessApi` in core), and `app`, a Hono app for a server or
 * the gateway's `fetch`.
 *
 * No authentication here, on purpose: the gateway authenticates and is the
 * only thing that should expose this app to a network.
 */
import { Hono } from "hono"
import * as Either from "effect/Either"
import {
  IdempotencyKey,
  RequestDecoding,
  Route,
  ErrorProblem,
  PROBLEM_CONTENT_TYPE,
  type InProcessApi,
  type ProblemDetails,
  type Endpoint,
  type EndpointName,
  type FieldError
} from "@fruxkit/core"
import type { LocalContext } from "../LocalContext.js"
import * as AgentRepository from "../store/AgentRepository.js"
import { agentHandlers } from "./agent-handlers.js"
import { datasetHandlers } from "./dataset-handlers.js"
import { draftHandlers } from "./draft-handlers.js"
import { evaluationHandlers, type WorkerControl } from "./evaluation-handlers.js"
import { executionHandlers } from "./execution-handlers.js"
import type { Handler, HandlerTable } from "./handler-types.js"
import { HttpProblem } from "./HttpProblem.js"
import { extraRuleErrors } from "./extra-rules.js"
import { answerOf, makeKeyedCreates, successAnswer, type CreateKey } from "./keyed-create.js"

/** Request bodies above this are refused (413) before parsing. */
export const MAX_BODY_BYTES = 1024 * 1024

const bodyTooLarge = () =>
  HttpProblem.of("UnexpectedStatus", {
    status: 413,
    type: "body-too-large",
    title: "Request body too large",
    detail: `at most ${MAX_BODY_BYTES} bytes`
  })

/** A request as the handler reads it, whichever door it came in by. */
interface Incoming {
  readonly method: string
  /** Path and query, parsed. */
  readonly url: URL
  readonly header: (name: string) => string | undefined
  readonly text: () => Promise<string>
}

const readJsonBody = async (request: Incoming): Promise<unknown> => {
  const declared = Number(request.header("content-length") ?? "0")
  if (declared > MAX_BODY_BYTES) throw bodyTooLarge()
  const text = await request.text()
  if (Buffer.byteLength(text, "utf8") > MAX_BODY_BYTES) throw bodyTooLarge()
  if (text.trim() === "") return undefined
  try {
    return JSON.parse(text)
  } catch {
    throw HttpProblem.of("InvalidRequest", {
      type: "malformed-json",
      title: "Malformed JSON",
      detail: "the request body is not valid JSON",
      extensions: { errors: [{ path: "body", message: "is not valid JSON" }] }
    })
  }
}

/**
 * Schema messages quote the value they refused ("…, actual {…}"). Under
 * `candidateExternalConfig` that value may be a credential: keep the path
 * and the expectation, drop the value.
 */
const withoutSecretValues = (error: FieldError): FieldError =>
  error.path.startsWith("body.candidateExternalConfig")
    ? { path: error.path, message: error.message.replace(/,?\s*actual[\s\S]*$/, "").trim() || "is invalid" }
    : error

const problemAnswer = (problem: ProblemDetails, headers?: Readonly<Record<string, string>>): InProcessApi.ApiAnswer => ({
  status: problem.status ?? 500,
  headers: { "content-type": PROBLEM_CONTENT_TYPE, ...headers },
  body: JSON.stringify(problem)
})

/** Any failure as problem+json: an `HttpProblem` as it says, anything else as a 500 that names nothing of the request. */
const failureAnswer = (error: unknown, pathname: string): InProcessApi.ApiAnswer => {
  // RFC 7807 `instance`: the path that failed (never the query, which may carry tokens through proxies).
  const instance = pathname
  if (error instanceof HttpProblem) return problemAnswer({ ...error.problem, instance }, error.headers)
  // Only the message of errors we did not make: never request headers or config values.
  console.error("[fruxkit-local] unexpected error:", error instanceof Error ? error.message : String(error))
  return problemAnswer({
    ...ErrorProblem.problem("ServerError", {
      type: "internal-error",
      title: "Internal error",
      detail: "the local backend failed to answer; see its log"
    }),
    instance
  })
}

/** `/path?query` as a URL; on a fixed origin, appended (never resolved: `//x` stays a path). */
const parseTarget = (pathAndQuery: string): URL => new URL(`http://fruxkit.local${pathAndQuery.startsWith("/") ? "" : "/"}${pathAndQuery}`)

export interface LocalApi {
  /** Every request, answered in this process with plain objects (no WHATWG `Request`/`Response`). */
  readonly handle: InProcessApi.ApiHandler
  /** The same handler as a Hono app: a server's, or the gateway's in-process `fetch`. */
  readonly app: Hono
}

export const makeApi = (ctx: LocalContext, workers: WorkerControl): LocalApi => {
  const handlers: HandlerTable = {
    ...agentHandlers(ctx),
    ...draftHandlers(ctx),
    ...executionHandlers(ctx),
    ...evaluationHandlers(ctx, workers),
    ...datasetHandlers(ctx)
  }
  const router = Route.makeRouter()
  const keyedCreates = makeKeyedCreates(ctx.store)

  const answer = async (request: Incoming): Promise<InProcessApi.ApiAnswer> => {
    const url = request.url
    const match = router.match(request.method, url.pathname)
    switch (match._tag) {
      case "NotFound":
        throw HttpProblem.of("NotFound", {
          type: "route-not-found",
          title: "No such route",
          detail: `${request.method} ${url.pathname} is not an endpoint of the Fruxon API`
        })
      case "MalformedPath":
        throw HttpProblem.invalid([{ path: "path", message: "is not valid percent-encoding" }])
      case "MethodNotAllowed": {
        const allow = [...new Set(match.allow)].join(", ")
        throw HttpProblem.of(
          "UnexpectedStatus",
          { status: 405, type: "method-not-allowed", title: "Method not allowed", detail: `${url.pathname} accepts ${allow}` },
          { allow }
        )
      }
    }
    const endpoint: Endpoint.Any = match.endpoint
    const body = endpoint.method === "GET" || endpoint.method === "DELETE" ? undefined : await readJsonBody(request)
    const decoded = RequestDecoding.decodeRequest(endpoint, {
      params: match.params,
      query: url.searchParams,
      body,
      ifMatch: request.header("if-match")
    })
    if (Either.isLeft(decoded)) throw HttpProblem.invalid(decoded.left.map(withoutSecretValues))
    const input = decoded.right
    const extra = extraRuleErrors(input)
    if (extra.length > 0) throw HttpProblem.invalid(extra)
    const tenant = String(input.path.tenant)
    if (!(await ctx.store.run(AgentRepository.tenantExists(tenant)))) {
      throw HttpProblem.notFound("Tenant", `tenant "${tenant}" does not exist`)
    }
    const handler = handlers[endpoint.name as EndpointName] as unknown as Handler<Endpoint.Any>
    const call = (key: CreateKey | undefined) =>
      handler({ path: input.path as never, query: input.query as never, body: input.body as never, ifMatch: input.ifMatch, key })
    const idempotencyKey = request.header(IdempotencyKey.HEADER)
    if (endpoint.retry === "creating" && idempotencyKey !== undefined) {
      return keyedCreates.answer({ endpoint, tenant, key: idempotencyKey, method: request.method, pathAndQuery: url.pathname + url.search, body }, call)
    }
    return answerOf(successAnswer(endpoint, await call(undefined)), false)
  }

  const respond = async (request: Incoming): Promise<InProcessApi.ApiAnswer> => {
    try {
      return await answer(request)
    } catch (error) {
      return failureAnswer(error, request.url.pathname)
    }
  }

  const handle: InProcessApi.ApiHandler = (request) => {
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value
    return respond({
      method: request.method.toUpperCase(),
      url: parseTarget(request.url),
      header: (name) => headers[name.toLowerCase()],
      text: async () => request.body ?? ""
    })
  }

  const app = new Hono()
  app.all("*", async (c) => {
    const raw = c.req.raw
    const answered = await respond({
      method: c.req.method,
      // Already absolute: only its path and query are read, as from parseTarget's.
      url: new URL(raw.url),
      header: (name) => c.req.header(name),
      text: () => raw.text()
    })
    return new Response(answered.body === "" ? null : answered.body, { status: answered.status, headers: answered.headers })
  })

  return { handle, app }
}
