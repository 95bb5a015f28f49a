/**
 * Embedded mode: the local backend's `fetch`, called in-process (no socket
 * between gateway and backend). Credentials are never passed in: the local
 * backend trusts its one caller, the gateway.
 */
import type { Upstream, UpstreamRequest, UpstreamResponse } from "./index.js"

/** What `@fruxkit/local`'s `createLocalBackend` resolves to, as far as the gateway needs it. */
export interface LocalBackend {
  readonly fetch: (request: Request) => Promise<Response>
  readonly close: () => Promise<void>
}

export const createEmbeddedUpstream = (backend: LocalBackend, description: string): Upstream => {
  const send = async (request: UpstreamRequest): Promise<UpstreamResponse> => {
    const headers: Record<string, string> = { ...request.headers }
    delete headers["authorization"]
    delete headers["x-api-key"]
    const response = await backend.fetch(
      new Request(`http://fruxkit.local${request.path}`, {
        method: request.method,
        headers,
        ...(request.body !== undefined && request.method !== "GET" ? { body: request.body } : {}),
        ...(request.signal ? { signal: request.signal } : {})
      })
    )
    const body = new Uint8Array(await response.arrayBuffer())
    const flat: Record<string, string> = {}
    response.headers.forEach((value, name) => {
      flat[name] = value
    })
    return { status: response.status, headers: flat, body }
  }
  return { mode: "embedded", description, send, close: () => backend.close() }
}

/**
 * Load `@fruxkit/local` and start it. Imported lazily so remote mode never
 * opens SQLite, and by a computed specifier while the package has no entry yet.
 */
export const startLocalBackend = async (dataDir: string): Promise<Upstream> => {
  const specifier = "@fruxkit/local"
  const local = (await import(specifier)) as {
    createLocalBackend?: (options: { dataDir: string; seed: "demo" }) => Promise<LocalBackend>
  }
  if (typeof local.createLocalBackend !== "function") {
    throw new Error("@fruxkit/local does not export createLocalBackend yet; set FRUXON_API_URL to use a remote API")
  }
  const backend = await local.createLocalBackend({ dataDir, seed: "demo" })
  return createEmbeddedUpstream(backend, `embedded (${dataDir})`)
}
