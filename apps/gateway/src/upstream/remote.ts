/**
 * Remote mode: the Fruxon API (or anything speaking it) through an undici
 * `Pool` with keep-alive. Measured while planning: ~4× the throughput of the
 * global `fetch` for a proxy on this machine, because it skips WHATWG streams.
 */
import { FruxonError } from "@fruxkit/core"
import { Pool } from "undici"
import type { Upstream, UpstreamRequest, UpstreamResponse } from "./index.js"

export interface RemoteUpstreamOptions {
  /** Base URL; a path prefix (`https://host/api`) is kept. */
  readonly url: string
  readonly token: string
  readonly executionKey?: string | undefined
  readonly connections?: number
  /** How long to wait for a connection before calling the upstream unreachable. */
  readonly connectTimeoutMs?: number
}

export const createRemoteUpstream = (options: RemoteUpstreamOptions): Upstream => {
  const base = new URL(options.url)
  const prefix = base.pathname.replace(/\/+$/, "")
  const pool = new Pool(base.origin, {
    connections: options.connections ?? 64,
    keepAliveTimeout: 30_000,
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    // The gateway's own timeout middleware aborts slow calls; undici's
    // defaults (300 s) would only hide a stall behind it.
    headersTimeout: 0,
    bodyTimeout: 0
  })
  const bearer = `Bearer ${options.token}`
  const executionKey = options.executionKey ?? options.token

  const send = async (request: UpstreamRequest): Promise<UpstreamResponse> => {
    // Built fresh rather than copied and `delete`d: deleting keys drops V8 to slow dictionary objects.
    const headers: Record<string, string> = {}
    for (const name in request.headers) {
      if (name !== "authorization" && name !== "x-api-key" && name !== "host") headers[name] = request.headers[name]!
    }
    if (request.auth === "apiKey") headers["x-api-key"] = executionKey
    else headers["authorization"] = bearer
    try {
      const response = await pool.request({
        method: request.method as "GET",
        path: prefix + request.path,
        headers,
        body: request.body === undefined ? null : Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength),
        signal: (request.signal as AbortSignal | undefined) ?? null
      })
      const body = new Uint8Array(await response.body.arrayBuffer())
      const flat: Record<string, string> = {}
      for (const name in response.headers) {
        const value = response.headers[name]
        if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value
      }
      return { status: response.statusCode, headers: flat, body }
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason ?? error
      throw FruxonError.fromTransportFailure({ method: request.method, url: request.path.split("?")[0]!, endpoint: "" }, error)
    }
  }

  return {
    mode: "remote",
    description: base.origin + prefix,
    send,
    close: () => pool.close()
  }
}
