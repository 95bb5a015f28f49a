/**
 * The local backend's HTTP surface: ONE catch-all handler. Core's router
 * matches the path (custom `:verb` methods included, which Hono's patterns
 * cannot express), core's RequestDecoding validates it, the handler table
 * answers it, core's schemas encode the answer. One `onError` turns every
 * failure into problem+json.
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
  problemResponse,
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
import { answerResponse, makeKeyedCreates, successAnswer, type CreateKey } from "./keyed-create.js"

/** Request bodies above this are refused (413) before parsing. */
export const MAX_BODY_BYTES = 1024 * 1024

const bodyTooLarge = () =>
  HttpProblem.of("UnexpectedStatus", {
    status: 413,
    type: "body-too-large",
    title: "Request body too large",
    detail: `at most ${MAX_BODY_BYTES} bytes`
  })

const readJsonBody = async (request: Request): Promise<unknown> => {
  const declared = Number(request.headers.get("content-length") ?? "0")
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

export const makeApp = (ctx: LocalContext, workers: WorkerControl): Hono => {
  const handlers: HandlerTable = {
    ...agentHandlers(ctx),
    ...draftHandlers(ctx),
    ...executionHandlers(ctx),
    ...evaluationHandlers(ctx, workers),
    ...datasetHandlers(ctx)
  }
  const router = Route.makeRouter()
  const keyedCreates = makeKeyedCreates(ctx.store)
  const app = new Hono()

  app.all("*", async (c) => {
    const url = new URL(c.req.url)
    const match = router.match(c.req.method, url.pathname)
    switch (match._tag) {
      case "NotFound":
        throw HttpProblem.of("NotFound", {
          type: "route-not-found",
          title: "No such route",
          detail: `${c.req.method} ${url.pathname} is not an endpoint of the Fruxon API`
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
    const body = endpoint.method === "GET" || endpoint.method === "DELETE" ? undefined : await readJsonBody(c.req.raw)
    const decoded = RequestDecoding.decodeRequest(endpoint, {
      params: match.params,
      query: url.searchParams,
      body,
      ifMatch: c.req.header("if-match")
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
    const idempotencyKey = c.req.header(IdempotencyKey.HEADER)
    if (endpoint.retry === "creating" && idempotencyKey !== undefined) {
      return keyedCreates.answer({ endpoint, tenant, key: idempotencyKey, method: c.req.method, pathAndQuery: url.pathname + url.search, body }, call)
    }
    return answerResponse(successAnswer(endpoint, await call(undefined)), false)
  })

  app.onError((error, c) => {
    // RFC 7807 `instance`: the path that failed (never the query, which may carry tokens through proxies).
    const instance = new URL(c.req.url).pathname
    if (error instanceof HttpProblem) return problemResponse({ ...error.problem, instance }, error.headers)
    // Only the message of errors we did not make: never request headers or config values.
    console.error("[fruxkit-local] unexpected error:", error instanceof Error ? error.message : String(error))
    return problemResponse({
      ...ErrorProblem.problem("ServerError", {
        type: "internal-error",
        title: "Internal error",
        detail: "the local backend failed to answer; see its log"
      }),
      instance
    })
  })

  return app
}
