/**
 * `/openapi.json`: core's document for the endpoint table, plus what the
 * gateway adds — `?wait=` (and the 202 it can answer), the run's event
 * stream, `?dedupe=`, `Idempotency-Key`, and the gateway's API-key auth.
 */
import * as Core from "@fruxkit/core"
import { evaluationRunEvents } from "./routes.js"

type Json = Record<string, any>

/** Path keys are the table's templates as written (core keeps the `:verb` literal). */
const openApiPath = (template: string) => template

const operation = (doc: Json, endpoint: Core.Endpoint.Any): Json | undefined =>
  doc.paths?.[openApiPath(endpoint.path)]?.[endpoint.method.toLowerCase()]

const problemResponse = (description: string): Json => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/ProblemDetails" } } }
})

export const gatewayOpenApi = (): Json => {
  const doc: Json = Core.toOpenApi({
    title: "fruxkit gateway",
    version: "0.1.0",
    description: "The Fruxon API through the fruxkit gateway, with its extensions: ?wait, run events (SSE), ?dedupe, Idempotency-Key."
  })
  doc.components ??= {}
  doc.components.schemas ??= {}
  doc.components.schemas.ProblemDetails ??= { type: "object", additionalProperties: true }
  doc.components.securitySchemes = {
    ...doc.components.securitySchemes,
    gatewayApiKey: { type: "http", scheme: "bearer", description: "A gateway API key (FRUXKIT_API_KEYS); also accepted as X-API-Key" }
  }
  doc.security = [{ gatewayApiKey: [] }]
  // Through the gateway every call takes a gateway key; the upstream credential is the gateway's own.
  for (const methods of Object.values(doc.paths as Json)) {
    for (const op of Object.values(methods as Json)) (op as Json).security = [{ gatewayApiKey: [] }]
  }

  const wait = {
    name: "wait",
    in: "query",
    required: false,
    description: "fruxkit gateway: wait up to this long (30s, 500ms, 2m; capped by --max-wait)",
    schema: { type: "string", pattern: "^\\d+(\\.\\d+)?(ms|s|m)?$" }
  }
  const runSchema = { $ref: "#/components/schemas/EvaluationRun" }

  const evaluate = operation(doc, Core.Endpoints.evaluate)
  if (evaluate) {
    evaluate.parameters = [...(evaluate.parameters ?? []), wait]
    evaluate.responses = {
      ...evaluate.responses,
      "202": {
        description: "With ?wait: the run did not finish within the wait; the body is its current state, Location its URL",
        headers: { Location: { schema: { type: "string" } } },
        content: { "application/json": { schema: runSchema } }
      }
    }
  }
  const getRun = operation(doc, Core.Endpoints.getEvaluationRun)
  if (getRun) {
    getRun.parameters = [
      ...(getRun.parameters ?? []),
      { ...wait, description: "fruxkit gateway: long-poll until the run's status or progress changes (or the wait runs out)" },
      {
        name: "If-None-Match",
        in: "header",
        required: false,
        description: "With ?wait: the ETag of the state you have; the answer waits for a different one",
        schema: { type: "string" }
      }
    ]
  }
  const add = operation(doc, Core.Endpoints.addToDatasets)
  if (add) {
    add.parameters = [
      ...(add.parameters ?? []),
      {
        name: "dedupe",
        in: "query",
        required: false,
        description:
          "fruxkit gateway: create only the samples missing for this execution; the body lists the samples created now, the Fruxkit-Dedupe-Skipped header the datasets that already had one",
        schema: { type: "boolean" }
      }
    ]
  }
  for (const endpoint of Core.allEndpoints) {
    if (endpoint.retry !== "creating") continue
    const op = operation(doc, endpoint)
    if (!op) continue
    op.parameters = [
      ...(op.parameters ?? []),
      {
        name: "Idempotency-Key",
        in: "header",
        required: false,
        description:
          "fruxkit gateway: the first response is stored for 24 h and replayed for a repeat with the same body; a different body with the same key is 409",
        schema: { type: "string", maxLength: 255 }
      }
    ]
    op.responses = { ...op.responses, "409": op.responses?.["409"] ?? problemResponse("Idempotency-Key reused with a different request") }
  }
  doc.paths[openApiPath(evaluationRunEvents.path)] = {
    get: {
      operationId: evaluationRunEvents.name,
      summary: evaluationRunEvents.summary,
      tags: [evaluationRunEvents.group],
      parameters: [
        ...["tenant", "agent", "evaluationRun"].map((name) => ({ name, in: "path", required: true, schema: { type: "string" } })),
        { name: "Last-Event-ID", in: "header", required: false, schema: { type: "string" } }
      ],
      responses: {
        "200": {
          description:
            "text/event-stream: `event: run` per status/progress change (data: the run), `event: done` with the finished run, `event: shutdown` when the gateway stops; ids are run versions for Last-Event-ID",
          content: { "text/event-stream": { schema: { type: "string" } } }
        },
        "404": problemResponse("No such run")
      }
    }
  }
  return doc
}
