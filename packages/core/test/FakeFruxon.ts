/**
 * A real HTTP server on loopback that speaks the Fruxon API's shapes and
 * injects the faults a client must survive. Each test scripts answers per
 * request; every request that reached the server is recorded.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

export interface Seen {
  readonly method: string
  readonly url: string
  readonly headers: IncomingMessage["headers"]
  readonly body: string
  /** Whether the whole body had arrived when the answer was chosen. */
  readonly bodyRead: boolean
}

export type Answer =
  | { readonly kind: "json"; readonly status: number; readonly body: unknown; readonly headers?: Record<string, string> }
  | { readonly kind: "raw"; readonly status: number; readonly body: string; readonly headers?: Record<string, string> }
  /** Read the whole body, then close the connection without answering. */
  | { readonly kind: "resetAfterBody" }
  /** Never answer (until the server closes). */
  | { readonly kind: "stall" }
  /**
   * Server-Sent Events, `gapMs` apart; then `end` the response, `drop` the
   * connection (no clean end: what a crashed proxy does), or `hold` it open.
   */
  | {
      readonly kind: "sse"
      readonly events: ReadonlyArray<SseEvent>
      readonly then: "end" | "drop" | "hold"
      readonly gapMs?: number
    }

export interface SseEvent {
  readonly event?: string
  readonly id?: string
  readonly data: string
  readonly retry?: number
}

/** Called once per request, after its body arrived. */
export type Script = (seen: Seen, index: number) => Answer

/**
 * Called when a request's headers arrive: `true` closes the connection
 * there, before the body is read (the client cannot tell if it was seen).
 */
export type ResetBeforeBody = (seen: Seen, index: number) => boolean

export const json = (status: number, body: unknown, headers?: Record<string, string>): Answer => ({
  kind: "json",
  status,
  body,
  ...(headers ? { headers } : {})
})

export const problem = (status: number, extra: Record<string, unknown> = {}, headers?: Record<string, string>): Answer => ({
  kind: "raw",
  status,
  body: JSON.stringify({ type: "about:blank", title: `status ${status}`, status, ...extra }),
  headers: { "content-type": "application/problem+json", ...headers }
})

export interface FakeFruxon {
  readonly url: string
  readonly seen: Array<Seen>
  /** Requests per path (query excluded). */
  readonly count: (path?: string) => number
  script: Script
  resetBeforeBody: ResetBeforeBody
  readonly close: () => Promise<void>
}

export const startFakeFruxon = async (
  script: Script,
  resetBeforeBody: ResetBeforeBody = () => false
): Promise<FakeFruxon> => {
  const seen: Array<Seen> = []
  const stalled: Array<ServerResponse> = []
  const state = { script, resetBeforeBody }
  const server = createServer((req, res) => {
    const index = seen.length
    const peek: Seen = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: "", bodyRead: false }
    if (state.resetBeforeBody(peek, index)) {
      seen.push(peek)
      req.socket.destroy()
      return
    }
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      const request: Seen = { ...peek, body: Buffer.concat(chunks).toString("utf8"), bodyRead: true }
      seen.push(request)
      const answer = state.script(request, index)
      switch (answer.kind) {
        case "resetAfterBody":
          req.socket.destroy()
          return
        case "stall":
          stalled.push(res)
          return
        case "json":
          res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers })
          res.end(JSON.stringify(answer.body))
          return
        case "raw":
          res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers })
          res.end(answer.body)
          return
        case "sse": {
          res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" })
          stalled.push(res)
          const send = async () => {
            for (const event of answer.events) {
              const lines = [
                ...(event.event ? [`event: ${event.event}`] : []),
                ...(event.id ? [`id: ${event.id}`] : []),
                ...(event.retry !== undefined ? [`retry: ${event.retry}`] : []),
                ...event.data.split("\n").map((line) => `data: ${line}`)
              ]
              res.write(`${lines.join("\n")}\n\n`)
              if (answer.gapMs) await new Promise((resolve) => setTimeout(resolve, answer.gapMs))
            }
            if (answer.then === "end") res.end()
            else if (answer.then === "drop") req.socket.destroy()
          }
          void send()
          return
        }
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    count: (path) => (path === undefined ? seen.length : seen.filter((s) => s.url.split("?")[0] === path).length),
    get script() {
      return state.script
    },
    set script(next: Script) {
      state.script = next
    },
    get resetBeforeBody() {
      return state.resetBeforeBody
    },
    set resetBeforeBody(next: ResetBeforeBody) {
      state.resetBeforeBody = next
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of stalled) res.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** A port on loopback that nothing listens on (connection refused). */
export const closedPort = async (): Promise<string> => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}

export const RUN_ID = "7b0e2f55-3c1d-4e7a-9a55-5f2a4c1e9d01"
export const RECORD_ID = "0f9c8a77-51e4-4d0b-8f2e-1f0a3b2c4d5e"
export const DATASET_A = "11111111-1111-4111-8111-111111111111"
export const DATASET_B = "22222222-2222-4222-8222-222222222222"

export const runJson = (status: string, extra: Record<string, unknown> = {}) => ({
  id: RUN_ID,
  agentId: "support_bot",
  datasetId: DATASET_A,
  candidateRevision: 2,
  deployedRevision: 1,
  status,
  createdAt: 1_700_000_000_000,
  modifiedAt: 1_700_000_000_000,
  ...extra
})

export const sampleJson = (datasetId: string, id = crypto.randomUUID()) => ({
  id,
  tenantId: "demo",
  createdAt: 1,
  modifiedAt: 1,
  createdBy: "test",
  datasetId,
  executionId: RECORD_ID,
  inputPayload: { question: "hi" },
  output: "hello",
  agentRevision: 2,
  quality: "GOOD",
  isGolden: false,
  tags: [{ id: crypto.randomUUID(), tenantId: "demo", sampleId: id, tag: "smoke", sample: null }]
})
