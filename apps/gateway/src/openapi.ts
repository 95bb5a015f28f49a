/**
 * `/openapi.json` (and the `/docs` page drawn from it): core's document for
 * the endpoint table, plus what the gateway itself adds — its API-key auth,
 * the problems it answers on its own (401, 403, 413, 428, 429, 502, 503,
 * 504…), its headers (`X-Request-Id`, `Idempotency-Key`,
 * `Idempotent-Replayed`, `Retry-After`, `Fruxkit-Wait`), `?wait=`,
 * `?dedupe=`, the run's event stream, and the operations routes. Core adds
 * each endpoint's own parameters (`Idempotency-Key` included); this only
 * completes them, so no parameter appears twice.
 */
import * as Core from "@fruxkit/core"
import { evaluationRunEvents } from "./routes.js"

type Json = Record<string, any>

const PROBLEM = Core.PROBLEM_CONTENT_TYPE

/** What each status means when the gateway answers it itself (core's descriptions are the upstream's). */
const GATEWAY_STATUSES: Record<number, string> = {
  400: "Invalid request: field paths in `errors` (body, path, query, headers, `?wait`/`?dedupe`)",
  401: "No or unknown gateway API key (`WWW-Authenticate: Bearer`)",
  403: "The API key does not grant this tenant",
  404: "No such endpoint, or the upstream has no such resource",
  405: "The path takes another method (`Allow`)",
  413: "The request body is over the gateway's limit",
  415: "The body is not JSON",
  428: "If-Match is required (the draft version you last saw)",
  429: "Rate limited, by the gateway's per-key limit or the upstream (`Retry-After`)",
  502: "The upstream failed: unreachable after retries, refused the gateway's credentials, or answered outside the contract",
  503: "Overloaded, shutting down, or the upstream is unavailable (`Retry-After`)",
  504: "No answer within the request's deadline"
}

/** Statuses every /v1 operation can get from the gateway itself. */
const EVERY_OPERATION = [400, 401, 403, 404, 405, 429, 502, 503, 504]
const WITH_BODY = [413, 415]

const ref = (kind: "responses" | "headers" | "parameters" | "schemas", name: string) => ({ $ref: `#/components/${kind}/${name}` })

const HEADERS: Json = {
  XRequestId: { description: "The request's id (the client's when it looks like one), also on every log line", schema: { type: "string" } },
  RetryAfter: { description: "Seconds to wait before trying again", schema: { type: "integer", minimum: 1 } },
  IdempotentReplayed: { description: "`true` when this is the stored answer to an earlier request with the same Idempotency-Key", schema: { type: "string", enum: ["true"] } },
  FruxkitWait: { description: "With ?wait: `changed`, `timeout` or `finished`", schema: { type: "string", enum: ["changed", "timeout", "finished"] } },
  ETag: { description: "The run's version (status, progress, modifiedAt): send it as If-None-Match to wait for a change", schema: { type: "string" } },
  Location: { description: "The run's URL", schema: { type: "string" } },
  FruxkitDedupeSkipped: { description: "Datasets (comma-separated ids) that already held a sample of this execution", schema: { type: "string" } }
}

const waitParameter = (description: string): Json => ({
  name: "wait",
  in: "query",
  required: false,
  description: `fruxkit gateway: ${description} (30s, 500ms, 2m or seconds; capped by --max-wait)`,
  schema: { type: "string", pattern: "^\\d+(\\.\\d+)?(ms|s|m)?$" }
})

const operations = (doc: Json): Array<[Core.Endpoint.Any, Json]> =>
  [...Core.allEndpoints, evaluationRunEvents].flatMap((endpoint) => {
    const op = doc.paths[endpoint.path]?.[endpoint.method.toLowerCase()]
    return op === undefined ? [] : [[endpoint, op] as [Core.Endpoint.Any, Json]]
  })

/** The gateway's own routes: no API key (keep them off the public side of a network). */
const operationsRoutes = (): Json => {
  const plain = (operationId: string, summary: string, content: Json, extra: Json = {}): Json => ({
    get: {
      operationId,
      summary,
      tags: ["Operations"],
      security: [],
      responses: { "200": { description: "OK", headers: { "X-Request-Id": ref("headers", "XRequestId") }, content }, ...extra }
    }
  })
  const status = { type: "object", properties: { status: { type: "string" } }, required: ["status"] }
  return {
    "/healthz": plain("healthz", "The process is up", { "application/json": { schema: status } }),
    "/readyz": plain(
      "readyz",
      "The upstream answers (checked at most once a second) and the gateway is not shutting down",
      { "application/json": { schema: { ...status, properties: { ...status.properties, upstream: { type: "string" }, detail: { type: "string" } } } } },
      { "503": { description: "Not ready: the upstream is unreachable, or the gateway is shutting down", content: { "application/json": { schema: status } } } }
    ),
    "/metrics": plain("metrics", "Prometheus metrics (text exposition format)", { "text/plain": { schema: { type: "string" } } }),
    "/openapi.json": plain("openapi", "This document", { "application/json": { schema: { type: "object" } } }),
    "/docs": plain("docs", "The API reference page drawn from this document (assets served by the gateway)", { "text/html": { schema: { type: "string" } } })
  }
}

export const gatewayOpenApi = (): Json => {
  const doc: Json = Core.toOpenApi({
    title: "fruxkit gateway",
    version: "0.1.0",
    description:
      "The Fruxon API through the fruxkit gateway: every call takes a gateway API key; the gateway validates, retries safely, and adds ?wait, run events (SSE), ?dedupe and Idempotency-Key."
  })
  const components = doc.components as Json
  components.headers = { ...components.headers, ...HEADERS }
  components.parameters = {
    ...components.parameters,
    XRequestId: { name: "X-Request-Id", in: "header", required: false, description: "Your id for this request (printable, ≤ 128 characters); generated otherwise", schema: { type: "string", maxLength: 128 } }
  }
  components.securitySchemes = {
    ...components.securitySchemes,
    gatewayApiKey: { type: "http", scheme: "bearer", description: "A gateway API key (FRUXKIT_API_KEYS); also accepted as X-API-Key" }
  }
  const problemSchema = Object.values(components.responses as Json)[0]?.content?.[PROBLEM]?.schema ?? { type: "object" }
  for (const [status, description] of Object.entries(GATEWAY_STATUSES)) {
    const name = `Problem${status}`
    const headers: Json = { "X-Request-Id": ref("headers", "XRequestId") }
    if (status === "429" || status === "503") headers["Retry-After"] = ref("headers", "RetryAfter")
    components.responses[name] = { ...components.responses[name], description, headers, content: { [PROBLEM]: { schema: problemSchema } } }
  }
  components.responses.Problem409 ??= { description: "Conflict", content: { [PROBLEM]: { schema: problemSchema } } }
  components.responses.Problem409.description += "; or an Idempotency-Key reused with a different request"

  doc.paths[evaluationRunEvents.path] = {
    get: {
      operationId: evaluationRunEvents.name,
      summary: evaluationRunEvents.summary,
      tags: [evaluationRunEvents.group],
      parameters: [
        ...["tenant", "agent", "evaluationRun"].map((name) => ({ name, in: "path", required: true, schema: { type: "string" } })),
        { name: "Last-Event-ID", in: "header", required: false, description: "The last event id seen: only a newer state is sent", schema: { type: "string" } }
      ],
      responses: {
        "200": {
          description:
            "`event: run` per status/progress change (data: the run), `event: done` with the finished run, `event: shutdown` when the gateway stops, `event: idle` after --stream-idle-timeout with no change (reconnect to keep watching); ids are run versions for Last-Event-ID; `: heartbeat` comments every 15 s",
          content: { "text/event-stream": { schema: { type: "string" } } }
        }
      }
    }
  }

  for (const [endpoint, op] of operations(doc)) {
    // Through the gateway every call takes a gateway key; the upstream credential is the gateway's own.
    op.security = [{ gatewayApiKey: [] }]
    op.parameters = [...(op.parameters ?? []), ref("parameters", "XRequestId")]
    const statuses = [...EVERY_OPERATION, ...(endpoint.body !== undefined ? WITH_BODY : []), ...(endpoint.ifMatch === "required" ? [428] : [])]
    if (endpoint.retry === "creating") statuses.push(409)
    for (const status of statuses) op.responses[String(status)] ??= ref("responses", `Problem${status}`)
    for (const [status, response] of Object.entries(op.responses as Json)) {
      if (status.startsWith("2") && response.$ref === undefined) {
        response.headers = { ...response.headers, "X-Request-Id": ref("headers", "XRequestId") }
        if (endpoint.retry === "creating") response.headers["Idempotent-Replayed"] = ref("headers", "IdempotentReplayed")
      }
    }
    const idempotencyKey = (op.parameters as Array<Json>).find((p) => p.name === "Idempotency-Key" && p.in === "header")
    if (idempotencyKey !== undefined) {
      idempotencyKey.description =
        "fruxkit gateway: the first answer is stored (24 h) and replayed, marked Idempotent-Replayed, for a repeat with the same request; the same key with another request is a 409"
    }
  }

  const runSchema = ref("schemas", "EvaluationRun")
  const getRun = doc.paths[Core.Endpoints.getEvaluationRun.path].get
  getRun.parameters.push(waitParameter("long-poll until the run's status or progress changes, or the wait runs out"), {
    name: "If-None-Match",
    in: "header",
    required: false,
    description: "With ?wait: the ETag of the state you have; the answer waits for a different one",
    schema: { type: "string" }
  })
  getRun.responses["200"].headers = { ...getRun.responses["200"].headers, ETag: ref("headers", "ETag"), "Fruxkit-Wait": ref("headers", "FruxkitWait") }
  // Every call that starts a run the table marks waitable (`:evaluate`, `draft:evaluate`).
  for (const endpoint of Core.allEndpoints) {
    if (endpoint.run?.wait !== true || endpoint.method !== "POST") continue
    const starter = doc.paths[endpoint.path].post
    starter.parameters.push(waitParameter("wait until the run ends"))
    starter.responses["200"].headers = { ...starter.responses["200"].headers, "Fruxkit-Wait": ref("headers", "FruxkitWait") }
    starter.responses["202"] = {
      description: "With ?wait: the run did not end within the wait; the body is its current state",
      headers: {
        Location: ref("headers", "Location"),
        ETag: ref("headers", "ETag"),
        "Fruxkit-Wait": ref("headers", "FruxkitWait"),
        "X-Request-Id": ref("headers", "XRequestId"),
        "Idempotent-Replayed": ref("headers", "IdempotentReplayed")
      },
      content: { "application/json": { schema: runSchema } }
    }
  }
  for (const endpoint of Core.allEndpoints.filter((e) => e.dedupe !== undefined)) {
    const operation = doc.paths[endpoint.path][endpoint.method.toLowerCase()]
    operation.parameters.push({
      name: "dedupe",
      in: "query",
      required: false,
      description:
        "fruxkit gateway: create only the rows missing for this call's targets; the body lists the rows created now, Fruxkit-Dedupe-Skipped the targets that already had one",
      schema: { type: "boolean" }
    })
    operation.responses["200"].headers["Fruxkit-Dedupe-Skipped"] = ref("headers", "FruxkitDedupeSkipped")
  }

  Object.assign(doc.paths, operationsRoutes())
  doc.security = [{ gatewayApiKey: [] }]
  doc.tags = [...doc.tags, { name: "Operations" }]
  return doc
}
