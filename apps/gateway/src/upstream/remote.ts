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
  /** The upstream de-duplicates creating calls by Idempotency-Key (the contract does not say Fruxon does: default false). */
  readonly honoursIdempotencyKeys?: boolean
}

/**
 * undici's dispatch handler that collects the whole answer: no Readable
 * stream and no promise chain per response (measured: ~6 µs of CPU a request
 * less than `pool.request` + `body.arrayBuffer()`). A class, so a request
 * costs one object rather than a closure per callback.
 */
class CollectingHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined = undefined
  private status = 0
  private headers: Record<string, string> = {}
  private readonly chunks: Array<Buffer> = []
  private size = 0
  private readonly onAbort: (() => void) | undefined

  constructor(
    private readonly request: UpstreamRequest,
    private readonly resolve: (response: UpstreamResponse) => void,
    private readonly reject: (error: unknown) => void
  ) {
    const signal = request.signal
    this.onAbort = signal === undefined ? undefined : () => this.controller?.abort(signal.reason as Error)
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller
    const signal = this.request.signal
    if (signal === undefined) return
    if (signal.aborted) controller.abort(signal.reason as Error)
    else signal.addEventListener("abort", this.onAbort!)
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, raw: Record<string, string | Array<string> | undefined>): void {
    this.status = statusCode
    const headers: Record<string, string> = {}
    for (const name in raw) {
      const value = raw[name]
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value
    }
    this.headers = headers
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk)
    this.size += chunk.byteLength
  }

  onResponseEnd(): void {
    this.settle()
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size)
    this.resolve({ status: this.status, headers: this.headers, body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) })
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.settle()
    const { request } = this
    if (request.signal?.aborted) return this.reject(request.signal.reason ?? error)
    this.reject(FruxonError.fromTransportFailure({ method: request.method, url: request.path.split("?")[0]!, endpoint: "" }, error))
  }

  private settle(): void {
    if (this.onAbort !== undefined) this.request.signal!.removeEventListener("abort", this.onAbort)
  }
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
      pool.dispatch(
        {
          method: request.method as Dispatcher.HttpMethod,
          path: prefix + request.path,
          headers,
          body: request.body === undefined ? null : Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength)
        },
        new CollectingHandler(request, resolve, reject)
      )
    })
  }

  return {
    mode: "remote",
    description: base.origin + prefix,
    send,
    // undici aborts the call from the signal's listener (onAbort), and onResponseError rejects with the reason.
    settlesOnAbort: true,
    honoursIdempotencyKeys: options.honoursIdempotencyKeys ?? false,
    close: () => pool.close()
  }
}
