/**
 * The OpenAPI 3.1 document, generated from the endpoint table and its
 * schemas (the wire side: what goes over HTTP). Custom methods stay literal
 * in the path keys (`/v1/tenants/{tenant}/agents/{agent}:evaluate`).
 */
import * as JSONSchema from "effect/JSONSchema"
import * as Schema from "effect/Schema"
import type * as Endpoint from "./Endpoint.js"
import { allEndpoints } from "./Endpoints.js"
import { PROBLEM_CONTENT_TYPE, ProblemDetails } from "./schema/Problem.js"
import { pathParamSchemas, PathSegment } from "./RequestDecoding.js"
import * as Route from "./Route.js"

export type OpenApiDocument = {
  openapi: "3.1.0"
  info: { title: string; version: string; description?: string }
  servers?: Array<{ url: string; description?: string }>
  paths: Record<string, Record<string, any>>
  components: { schemas: Record<string, any>; securitySchemes: Record<string, any>; responses: Record<string, any> }
  tags: Array<{ name: string }>
}

export interface Options {
  readonly title?: string
  readonly version?: string
  readonly description?: string
  readonly servers?: ReadonlyArray<{ readonly url: string; readonly description?: string }>
  /** Only these endpoints (default: the whole table). */
  readonly endpoints?: ReadonlyArray<Endpoint.Any>
}

const DEFINITION_PATH = "#/components/schemas/"

/** The statuses an endpoint documents (its `errors`, keyed by status). */
const documentedStatuses = (endpoint: Endpoint.Any): Array<number> => Object.keys(endpoint.errors).map(Number)

const STATUS_TEXT: Record<number, string> = {
  400: "Invalid request (field paths in `errors`)",
  401: "Missing or invalid credentials",
  403: "Not allowed for this tenant",
  404: "Not found",
  409: "Conflict (version mismatch, run already ended)",
  412: "Precondition failed (stale draft head)",
  422: "Unprocessable request",
  428: "If-Match is required",
  429: "Rate limited (see Retry-After)",
  503: "Unavailable (see Retry-After)"
}

/**
 * Effect marks `Schema.Unknown` as `{"$id": "/schemas/unknown"}`; OpenAPI
 * validators reject a repeated `$id`, and "any value" is just `{}`.
 */
const dropAnyMarkers = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(dropAnyMarkers)
  if (typeof value !== "object" || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [key, inner] of Object.entries(value)) {
    if (key === "$id" && typeof inner === "string" && inner.startsWith("/schemas/")) continue
    out[key] = dropAnyMarkers(inner)
  }
  return out
}

export const toOpenApi = (options: Options = {}): OpenApiDocument => {
  const definitions: Record<string, any> = {}
  const jsonSchema = (schema: Schema.Schema.Any, strict: boolean) =>
    JSONSchema.fromAST(schema.ast, {
      definitions,
      definitionPath: DEFINITION_PATH,
      target: "openApi3.1",
      additionalPropertiesStrategy: strict ? "strict" : "allow"
    })

  const problemSchema = jsonSchema(ProblemDetails, false)
  const paths: OpenApiDocument["paths"] = {}
  const groups = new Set<string>()

  for (const endpoint of options.endpoints ?? allEndpoints) {
    groups.add(endpoint.group)
    const parameters: Array<Record<string, unknown>> = Route.paramNames(endpoint.path).map((name) => ({
      name,
      in: "path",
      required: true,
      schema: jsonSchema(Schema.encodedBoundSchema(pathParamSchemas[name] ?? PathSegment), true)
    }))
    if (endpoint.query !== undefined) {
      const query = jsonSchema(Schema.encodedBoundSchema(endpoint.query), true) as {
        properties?: Record<string, unknown>
        required?: Array<string>
      }
      for (const [name, schema] of Object.entries(query.properties ?? {})) {
        parameters.push({ name, in: "query", required: query.required?.includes(name) ?? false, schema })
      }
    }
    if (endpoint.ifMatch !== "none") {
      parameters.push({
        name: "If-Match",
        in: "header",
        required: endpoint.ifMatch === "required",
        description: 'The draft version (its ETag): 7, "7" or W/"7"',
        schema: { type: "string" }
      })
    }
    if (endpoint.retry === "creating") {
      parameters.push({
        name: "Idempotency-Key",
        in: "header",
        required: false,
        description: "Makes a repeat of this call safe: a server or gateway that honours it answers a repeat with the first response",
        schema: { type: "string", maxLength: 256 }
      })
    }

    const responses: Record<string, unknown> = {}
    if (endpoint.success === undefined) {
      responses[String(endpoint.successStatus)] = { description: "Done (no body)" }
    } else {
      responses[String(endpoint.successStatus)] = {
        description: "Success",
        content: { "application/json": { schema: jsonSchema(endpoint.success, false) } }
      }
    }
    if (endpoint.noContentIsNull) responses["204"] = { description: "Nothing there yet" }
    for (const status of new Set([...documentedStatuses(endpoint), 429, 503])) {
      responses[String(status)] = { $ref: `#/components/responses/Problem${status}` }
    }

    const operation: Record<string, unknown> = {
      operationId: endpoint.name,
      summary: endpoint.summary,
      tags: [endpoint.group],
      parameters,
      responses,
      security: [endpoint.auth === "apiKey" ? { apiKey: [] } : { bearer: [] }],
      "x-fruxkit-retry": endpoint.retry
    }
    if (endpoint.body !== undefined) {
      operation.requestBody = {
        required: endpoint.bodyRequired,
        content: { "application/json": { schema: jsonSchema(endpoint.body, true) } }
      }
    }
    paths[endpoint.path] = { ...paths[endpoint.path], [endpoint.method.toLowerCase()]: operation }
  }

  const errorStatuses = new Set<number>([429, 503])
  for (const endpoint of options.endpoints ?? allEndpoints) for (const status of documentedStatuses(endpoint)) errorStatuses.add(status)
  const responses: Record<string, unknown> = {}
  for (const status of [...errorStatuses].sort()) {
    responses[`Problem${status}`] = {
      description: STATUS_TEXT[status] ?? `Error ${status}`,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } }
    }
  }

  return dropAnyMarkers({
    openapi: "3.1.0",
    info: {
      title: options.title ?? "Fruxon API (as fruxkit speaks it)",
      version: options.version ?? "0.1.0",
      ...(options.description ? { description: options.description } : {})
    },
    ...(options.servers ? { servers: options.servers.map((s) => ({ ...s })) } : {}),
    paths,
    components: {
      schemas: definitions,
      responses,
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
        apiKey: { type: "apiKey", in: "header", name: "X-API-KEY" }
      }
    },
    tags: [...groups].map((name) => ({ name }))
  }) as OpenApiDocument
}
