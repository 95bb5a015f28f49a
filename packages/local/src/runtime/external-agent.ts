/**
 * The external agent protocol (README "External agents"): POST
 * `{parameters, sessionId}` as JSON to `endpoint`, with
 * `<auth_header_name>: <auth_header_value>` and/or
 * `Authorization: Bearer <api_key>`, within `timeout_seconds`; the reply is
 * JSON with a string `response` (or `output`), optionally `usage`
 * `{input_tokens, output_tokens}` or a `cost` number.
 */
import { Secrets } from "@fruxkit/core"
import { DeadlineExceeded } from "./deadline.js"
import { OutboundRefused, type OutboundPolicy } from "./outbound-policy.js"
import { shownParameters, shownText } from "./shown-text.js"

export type ExternalParameters = Readonly<Record<string, string | number | boolean | null>>

export const DEFAULT_EXTERNAL_TIMEOUT_SECONDS = 30

export class ExternalAgentError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "ExternalAgentError"
  }
}

export interface ExternalReply {
  readonly response: string
  readonly inputTokens: number | undefined
  readonly outputTokens: number | undefined
  readonly cost: number | undefined
}

/**
 * A step's parameters are one object for the whole run (its plan's flow), traced in every sample's two
 * calls: redacted once, and the frozen result shared by those traces.
 */
const redacted = new WeakMap<ExternalParameters, Readonly<Record<string, unknown>>>()

/**
 * The connection parameters as a trace may show them: core's one secret rule
 * (any casing, `*_token`, credentials in the endpoint's URL) and bounded length.
 */
export const redactExternalParameters = (parameters: ExternalParameters): Readonly<Record<string, unknown>> => {
  let shown = redacted.get(parameters)
  if (shown === undefined) {
    shown = Object.freeze(shownParameters(Object.fromEntries(Object.entries(parameters).filter(([key]) => !Secrets.isSecretKey(key)))))
    redacted.set(parameters, shown)
  }
  return shown
}

export const callExternalAgent = async (
  parameters: ExternalParameters,
  input: { readonly parameters: Readonly<Record<string, unknown>>; readonly sessionId: string },
  signal: AbortSignal | undefined,
  outbound: OutboundPolicy
): Promise<ExternalReply> => {
  const endpoint = parameters.endpoint
  if (typeof endpoint !== "string" || !/^https?:\/\//.test(endpoint)) {
    throw new ExternalAgentError("external agent needs an http(s) `endpoint` parameter")
  }
  const timeoutSeconds = Number(parameters.timeout_seconds ?? DEFAULT_EXTERNAL_TIMEOUT_SECONDS)
  const timeoutMs = Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 ? timeoutSeconds * 1000 : DEFAULT_EXTERNAL_TIMEOUT_SECONDS * 1000
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" }
  if (typeof parameters.auth_header_name === "string" && parameters.auth_header_value !== undefined && parameters.auth_header_value !== null) {
    headers[parameters.auth_header_name] = String(parameters.auth_header_value)
  }
  if (typeof parameters.api_key === "string" && parameters.api_key !== "") headers.authorization = `Bearer ${parameters.api_key}`
  const body: Record<string, unknown> = { parameters: input.parameters, sessionId: input.sessionId }
  if (typeof parameters.assistant_id === "string") body.assistantId = parameters.assistant_id
  let reply: any
  try {
    const response = await outbound.fetch(endpoint, { method: "POST", headers, body: JSON.stringify(body), signal, timeoutMs })
    if (!response.ok) throw new ExternalAgentError(`external agent answered HTTP ${response.status}`)
    try {
      reply = JSON.parse(response.text)
    } catch {
      throw new ExternalAgentError("external agent reply is not JSON")
    }
  } catch (error) {
    if (signal?.aborted || error instanceof ExternalAgentError) throw error
    if (error instanceof OutboundRefused) throw new ExternalAgentError(`external agent not called: ${error.message}`)
    // Messages name the endpoint (credentials redacted, length bounded) and the failure, never a header.
    throw new ExternalAgentError(
      error instanceof DeadlineExceeded ? `external agent did not answer within ${timeoutMs / 1000} s` : `external agent unreachable at ${shownText(endpoint)}`
    )
  }
  const text = typeof reply?.response === "string" ? reply.response : typeof reply?.output === "string" ? reply.output : undefined
  if (text === undefined) throw new ExternalAgentError("external agent reply has no string `response` or `output`")
  const number = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : undefined)
  return {
    response: text,
    inputTokens: number(reply?.usage?.input_tokens),
    outputTokens: number(reply?.usage?.output_tokens),
    cost: number(reply?.cost)
  }
}
