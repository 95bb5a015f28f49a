/**
 * The one fake Fruxon server: a real HTTP server on loopback that speaks the
 * contract's shapes (FruxonModel.ts keeps just enough state for the loop:
 * agents, revisions, drafts, datasets, samples, runs that progress), records
 * every request it receives, and injects the faults a client or a proxy must
 * survive — statuses with Retry-After, connection resets before or after the
 * body, stalls, delays, slow bodies, event streams that end or drop.
 *
 * Who answers a request, in order: an injected fault for its path (consumed
 * in order, or one that always applies), then the test's `script` (a
 * function of the request; `undefined` falls through), then the model.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { createFruxonModel, type FruxonModel, type FruxonModelOptions } from "./FruxonModel.js"

export interface RecordedRequest {
  readonly method: string
  /** Path and query as sent (`/v1/tenants/demo/…?PageSize=2`). */
  readonly url: string
  /** The path alone, percent-decoded. */
  readonly path: string
  readonly headers: IncomingHttpHeaders
  /** The body as text ("" until it arrived, and for a request reset before it). */
  readonly body: string
  /** Whether the whole body had arrived when the answer was chosen. */
  readonly bodyRead: boolean
}

export interface SseEvent {
  readonly event?: string
  readonly id?: string
  readonly data: string
  readonly retry?: number
}

export type Reply =
  /** JSON (content-type application/json unless `headers` says otherwise). */
  | { readonly kind: "json"; readonly status: number; readonly body: unknown; readonly headers?: Readonly<Record<string, string>> }
  /** Bytes as given (content-type application/json unless `headers` says otherwise). */
  | { readonly kind: "raw"; readonly status: number; readonly body: string; readonly headers?: Readonly<Record<string, string>> }
  /** A problem+json answer; `body` defaults to `{title, status}`. */
  | {
      readonly kind: "status"
      readonly status: number
      readonly retryAfter?: string
      readonly body?: unknown
      readonly headers?: Readonly<Record<string, string>>
    }
  /** Read the whole body, then close the connection without answering. */
  | { readonly kind: "reset" }
  /** Close the connection as soon as the headers arrived (the client cannot tell whether it was seen). Only as an injected fault. */
  | { readonly kind: "resetBeforeBody" }
  /** Act on the request (script, then model: a run or sample is created), then close the connection instead of answering — a lost answer. Only as an injected fault. */
  | { readonly kind: "actThenReset" }
  /** Never answer (until the server closes). */
  | { readonly kind: "stall" }
  /** Answer normally (script, then model) after a pause. */
  | { readonly kind: "delay"; readonly ms: number }
  /** A 200 JSON body sent one byte every `chunkDelayMs`, `chunks` times. */
  | { readonly kind: "slowBody"; readonly chunkDelayMs: number; readonly chunks: number }
  /**
   * Server-Sent Events, `gapMs` apart; then `end` the response, `drop` the
   * connection (no clean end: what a crashed proxy does), or `hold` it open.
   */
  | { readonly kind: "sse"; readonly events: ReadonlyArray<SseEvent>; readonly then: "end" | "drop" | "hold"; readonly gapMs?: number }

/** Answers for the requests a test scripts itself; `undefined` leaves the request to the model. */
export type Script = (request: RecordedRequest, index: number) => Reply | undefined

export const json = (status: number, body: unknown, headers?: Readonly<Record<string, string>>): Reply => ({
  kind: "json",
  status,
  body,
  ...(headers ? { headers } : {})
})

export const problem = (status: number, extra: Record<string, unknown> = {}, headers?: Readonly<Record<string, string>>): Reply => ({
  kind: "raw",
  status,
  body: JSON.stringify({ type: "about:blank", title: `status ${status}`, status, ...extra }),
  headers: { "content-type": "application/problem+json", ...headers }
})

export interface FakeFruxonOptions extends FruxonModelOptions {
  readonly script?: Script
}

export interface FakeFruxon {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** Every request received, in order of arrival. */
  readonly requests: ReadonlyArray<RecordedRequest>
  /** Requests whose path equals `path` (a string) or matches it (a pattern), and whose method is `method`; all when omitted. */
  readonly count: (path?: string | RegExp, method?: string) => number
  /** `METHOD /path` of every request, for readable assertions. */
  readonly lines: () => Array<string>
  /** The JSON body of the last request that carried one. */
  readonly lastBody: () => unknown
  /** The next requests whose URL (path and query) matches take these replies, one each, in order. */
  readonly inject: (url: RegExp, ...replies: Array<Reply>) => void
  /** Every request whose URL matches takes this reply, until the server closes. */
  readonly injectEvery: (url: RegExp, reply: Reply) => void
  /** The test's own answers (see Script); replace it at any time. */
  script: Script | undefined
  /** The contract's state: runs, samples, drafts… (FruxonModel.ts). */
  readonly model: FruxonModel
  readonly close: () => Promise<void>
}

interface Injected {
  readonly pattern: RegExp
  readonly queue: Array<Reply>
  readonly every?: Reply
}

export const startFakeFruxon = async (options: FakeFruxonOptions = {}): Promise<FakeFruxon> => {
  const requests: Array<RecordedRequest & { body: string; bodyRead: boolean }> = []
  const injected: Array<Injected> = []
  const open = new Set<ServerResponse>()
  const sockets = new Set<Socket>()
  const model = createFruxonModel(options)
  const state = { script: options.script }

  const takeInjected = (url: string): Reply | undefined => {
    for (const slot of injected) {
      if (!slot.pattern.test(url)) continue
      if (slot.every) return slot.every
      if (slot.queue.length > 0) return slot.queue.shift()
    }
    return undefined
  }

  const send = (res: ServerResponse, reply: Reply, request: RecordedRequest) => {
    switch (reply.kind) {
      case "json":
        return write(res, reply.status, JSON.stringify(reply.body), { "content-type": "application/json", ...reply.headers })
      case "raw":
        return write(res, reply.status, reply.body, { "content-type": "application/json", ...reply.headers })
      case "status": {
        const body = reply.body ?? { title: `status ${reply.status}`, status: reply.status }
        return write(res, reply.status, JSON.stringify(body), {
          "content-type": "application/problem+json",
          ...(reply.retryAfter !== undefined ? { "retry-after": reply.retryAfter } : {}),
          ...reply.headers
        })
      }
      case "reset":
      case "resetBeforeBody":
        res.socket?.destroy()
        return
      case "actThenReset":
        void (async () => {
          state.script?.(request, requests.indexOf(request as (typeof requests)[number])) ?? (await model.answer(request))
          res.socket?.destroy()
        })()
        return
      case "stall":
        open.add(res)
        return
      case "delay":
        open.add(res)
        setTimeout(() => {
          open.delete(res)
          if (!res.destroyed) void answer(res, request)
        }, reply.ms)
        return
      case "slowBody": {
        open.add(res)
        res.writeHead(200, { "content-type": "application/json" })
        let sent = 0
        const tick = setInterval(() => {
          if (res.destroyed) return clearInterval(tick)
          res.write(sent === 0 ? "[" : " ")
          if (++sent >= reply.chunks) {
            clearInterval(tick)
            res.end("]")
          }
        }, reply.chunkDelayMs)
        return
      }
      case "sse": {
        open.add(res)
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" })
        void (async () => {
          for (const event of reply.events) {
            const lines = [
              ...(event.event ? [`event: ${event.event}`] : []),
              ...(event.id ? [`id: ${event.id}`] : []),
              ...(event.retry !== undefined ? [`retry: ${event.retry}`] : []),
              ...event.data.split("\n").map((line) => `data: ${line}`)
            ]
            if (res.destroyed) return
            res.write(`${lines.join("\n")}\n\n`)
            if (reply.gapMs) await new Promise((resolve) => setTimeout(resolve, reply.gapMs))
          }
          if (reply.then === "end") res.end()
          else if (reply.then === "drop") res.socket?.destroy()
        })()
        return
      }
    }
  }

  const answer = async (res: ServerResponse, request: RecordedRequest) => {
    const index = requests.indexOf(request as (typeof requests)[number])
    const reply = state.script?.(request, index) ?? (await model.answer(request))
    send(res, reply, request)
  }

  const server = createServer((req, res) => {
    const url = req.url ?? "/"
    const pathOnly = url.split("?")[0]!
    let path = pathOnly
    try {
      path = decodeURIComponent(pathOnly)
    } catch {
      // Keep the raw path: a test may send a malformed escape on purpose.
    }
    const request = { method: req.method ?? "GET", url, path, headers: req.headers, body: "", bodyRead: false }
    requests.push(request)
    const fault = takeInjected(url)
    if (fault?.kind === "resetBeforeBody") {
      req.socket.destroy()
      return
    }
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      request.body = Buffer.concat(chunks).toString("utf8")
      request.bodyRead = true
      if (fault) send(res, fault, request)
      else void answer(res, request)
    })
  })
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })
  // Longer than a client's keep-alive: a socket the server closes while a client reuses it reads as a reset.
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    count: (path, method) =>
      requests.filter(
        (r) =>
          (method === undefined || r.method === method) &&
          (path === undefined || (typeof path === "string" ? r.url.split("?")[0] === path : path.test(r.url.split("?")[0]!)))
      ).length,
    lines: () => requests.map((r) => `${r.method} ${r.path}`),
    lastBody: () => {
      const last = requests.findLast((r) => r.body !== "")
      return last === undefined ? undefined : JSON.parse(last.body)
    },
    inject: (pattern, ...replies) => injected.push({ pattern, queue: [...replies] }),
    injectEvery: (pattern, reply) => injected.push({ pattern, queue: [], every: reply }),
    get script() {
      return state.script
    },
    set script(next: Script | undefined) {
      state.script = next
    },
    model,
    close: async () => {
      for (const res of open) res.destroy()
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

const write = (res: ServerResponse, status: number, text: string, headers: Record<string, string>) => {
  if (res.destroyed) return
  const bodyless = status === 204 || status === 304
  res.writeHead(status, bodyless ? headers : { "content-length": String(Buffer.byteLength(text)), ...headers })
  res.end(bodyless ? undefined : text)
}

/** A loopback URL that nothing listens on (connection refused). */
export const closedPort = async (): Promise<string> => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}
