/**
 * Embedded mode: the local backend's `fetch`, called in-process (no socket
 * between gateway and backend). Credentials are never passed in: the local
 * backend trusts its one caller, the gateway.
 */
import { toAbortSignal } from "../deadline.js"
import type { Upstream, UpstreamRequest, UpstreamResponse } from "./index.js"

/** What `@fruxkit/local`'s `createLocalBackend` resolves to, as far as the gateway needs it. */
export interface LocalBackend {
  readonly fetch: (request: Request) => Promise<Response>
  /** The evaluation queue and workers in Prometheus text format. */
  readonly metrics?: () => Promise<string>
  /** "A run changed", told when the change commits (see `Upstream.runChanges`). */
  readonly onRunChange?: (listener: (change: { readonly evaluationRun: string | undefined }) => void) => () => void
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
        ...(request.signal ? { signal: toAbortSignal(request.signal)! } : {})
      })
    )
    const body = new Uint8Array(await response.arrayBuffer())
    const flat: Record<string, string> = {}
    response.headers.forEach((value, name) => {
      flat[name] = value
    })
    return { status: response.status, headers: flat, body }
  }
  const onRunChange = backend.onRunChange?.bind(backend)
  return {
    mode: "embedded",
    description,
    send,
    // The local backend stores a creating call's key with what it created (packages/local keyed-create.ts).
    honoursIdempotencyKeys: true,
    ...(backend.metrics ? { metrics: backend.metrics } : {}),
    ...(onRunChange ? { runChanges: (listener: (evaluationRun: string | undefined) => void) => onRunChange((change) => listener(change.evaluationRun)) } : {}),
    close: () => backend.close()
  }
}

/**
 * Start `@fruxkit/local` on a data dir (demo data seeded when the dir is new).
 * Imported lazily so remote mode never loads SQLite.
 */
export const startLocalBackend = async (
  dataDir: string,
  databaseUrl?: string,
  options: { readonly restrictPrivate?: boolean } = {}
): Promise<Upstream> => {
  const { createLocalBackend } = await import("@fruxkit/local")
  const backend = await createLocalBackend({
    dataDir,
    seed: "demo",
    ...(databaseUrl ? { databaseUrl } : {}),
    outbound: { restrictPrivate: options.restrictPrivate ?? false }
  })
  // The database URL holds a password: the description (printed at start) names only the engine.
  return createEmbeddedUpstream(backend, databaseUrl ? "embedded (PostgreSQL)" : `embedded (${dataDir})`)
}
