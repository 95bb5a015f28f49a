/**
 * Remote mode: the Fruxon API (or anything speaking it) through an undici
 * `Pool` with keep-alive. Measured while planning: ~4× the throughput of the
 * global `fetch` for a proxy on this machine, because it skips WHATWG streams.
 */
import { FruxonError } from "@fruxkit/core"
import { Pool, type Dispatcher } from "undici"
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

  const send = (request: UpstreamRequest): Promise<UpstreamResponse> => {
    // Built fresh rather than copied and `delete`d: deleting keys drops V8 to slow dictionary objects.
    const headers: Record<string, string> = {}
    for (const name in request.headers) {
      if (name !== "authorization" && name !== "x-api-key" && name !== "host") headers[name] = request.headers[name]!
    }
    if (request.auth === "apiKey") headers["x-api-key"] = executionKey
    else headers["authorization"] = bearer
    return new Promise((resolve, reject) => {
      const signal = request.signal
      let controller: Dispatcher.DispatchController | undefined
      const onAbort = () => controller?.abort(signal!.reason as Error)
      let status = 0
      let responseHeaders: Record<string, string> = {}
      const chunks: Array<Buffer> = []
      let size = 0
      const settle = () => signal?.removeEventListener("abort", onAbort)
      // undici's dispatch with a handler that collects the body: no Readable
      // stream and no promise chain per response (measured: ~6 µs of CPU a
      // request less than `pool.request` + `body.arrayBuffer()`).
      pool.dispatch(
        {
          method: request.method as Dispatcher.HttpMethod,
          path: prefix + request.path,
          headers,
          body: request.body === undefined ? null : Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength)
        },
        {
          onRequestStart(started) {
            controller = started
            if (signal === undefined) return
            if (signal.aborted) started.abort(signal.reason as Error)
            else signal.addEventListener("abort", onAbort)
          },
          onResponseStart(_controller, statusCode, raw) {
            status = statusCode
            responseHeaders = {}
            for (const name in raw) {
              const value = raw[name]
              if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(", ") : value
            }
          },
          onResponseData(_controller, chunk) {
            chunks.push(chunk)
            size += chunk.byteLength
          },
          onResponseEnd() {
            settle()
            const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)
            resolve({ status, headers: responseHeaders, body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) })
          },
          onResponseError(_controller, error) {
            settle()
            if (signal?.aborted) return reject(signal.reason ?? error)
            reject(FruxonError.fromTransportFailure({ method: request.method, url: request.path.split("?")[0]!, endpoint: "" }, error))
          }
        }
      )
    })
  }

  return {
    mode: "remote",
    description: base.origin + prefix,
    send,
    // undici aborts the call from the signal's listener (onAbort), and onResponseError rejects with the reason.
    settlesOnAbort: true,
    close: () => pool.close()
  }
}
