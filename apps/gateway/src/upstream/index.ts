/**
 * The gateway's upstream: what it forwards to. Remote (the Fruxon API over an
 * undici pool) or embedded (the local backend's fetch, in-process); the proxy
 * code only sees this interface and does not know which one it has.
 */
import type { AbortSignalLike } from "../deadline.js"

export interface UpstreamRequest {
  readonly method: string
  /** Path and query, starting with `/v1/…`. */
  readonly path: string
  /** Lower-case names. Never a client's credentials: the upstream adds its own. */
  readonly headers: Readonly<Record<string, string>>
  readonly body?: Uint8Array | undefined
  readonly signal?: AbortSignalLike | undefined
  /** Which credential the endpoint takes (`apiKey`: `X-API-KEY`, the execution endpoints). */
  readonly auth?: "bearer" | "apiKey" | undefined
}

export interface UpstreamResponse {
  readonly status: number
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
}

export interface Upstream {
  readonly mode: "remote" | "embedded"
  /** For start-up messages and logs: a URL or a data dir, never a credential. */
  readonly description: string
  /**
   * Send one request and read the whole answer (bodies are small JSON; reading
   * them whole lets the client's answer be written in one go).
   * Throws core's `TransportError` when the connection fails.
   */
  readonly send: (request: UpstreamRequest) => Promise<UpstreamResponse>
  /**
   * `send` settles (rejecting with the signal's reason) as soon as the
   * request's signal aborts. Then a plain forward needs no race against its
   * deadline; otherwise the gateway races it.
   */
  readonly settlesOnAbort?: boolean
  /**
   * Embedded: "a run changed" from the local backend (`undefined`: any run may have), told when the
   * change commits; the shared run pollers read the run then instead of at their next poll. Returns
   * the function that stops listening. Remote mode has none (the Fruxon API pushes nothing).
   */
  readonly runChanges?: (listener: (evaluationRun: string | undefined) => void) => () => void
  /**
   * The upstream de-duplicates creating calls by the `Idempotency-Key` it is
   * sent (the embedded backend does; a remote one when configured so). Then
   * a call whose answer was lost is asked again with the same key, and the
   * upstream answers exactly; otherwise the gateway records the outcome as
   * unknown (idempotency middleware).
   */
  readonly honoursIdempotencyKeys?: boolean
  /** Embedded: the local backend's evaluation metrics (Prometheus text), appended to `/metrics`. */
  readonly metrics?: () => Promise<string>
  readonly close: () => Promise<void>
}

const textEncoder = new TextEncoder()

/**
 * A WHATWG `fetch` over an upstream, for core's client (the shared run
 * pollers and dedupe use it). Any Authorization the client sets is dropped:
 * the upstream injects the gateway's own credential.
 */
export const upstreamFetch =
  (upstream: Upstream): typeof globalThis.fetch =>
  async (input, init) => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    const headers: Record<string, string> = {}
    request.headers.forEach((value, name) => {
      if (name !== "authorization" && name !== "x-api-key") headers[name] = value
    })
    const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer())
    const response = await upstream.send({
      method: request.method,
      path: url.pathname + url.search,
      headers,
      body,
      signal: request.signal,
      auth: request.headers.has("x-api-key") ? "apiKey" : "bearer"
    })
    const noBody = response.status === 204 || response.status === 304 || request.method === "HEAD"
    return new Response(noBody ? null : response.body, { status: response.status, headers: response.headers })
  }

export const jsonBytes = (value: unknown): Uint8Array => textEncoder.encode(JSON.stringify(value))
