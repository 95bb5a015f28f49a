/**
 * A fake Fruxon API on loopback for the gateway's tests: a little in-memory
 * state (runs, samples), a log of every request it received (headers
 * included, to prove what the gateway forwards), and injectable faults —
 * 503 + Retry-After, connection resets, stalls, slow bodies.
 */
import { randomUUID } from "node:crypto"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo, Socket } from "node:net"

export interface Received {
  readonly method: string
  readonly path: string
  readonly headers: IncomingMessage["headers"]
  readonly body: string
}

export type Fault =
  | { readonly kind: "status"; readonly status: number; readonly retryAfter?: string; readonly body?: unknown }
  | { readonly kind: "reset" }
  | { readonly kind: "stall" }
  | { readonly kind: "slowBody"; readonly chunkDelayMs: number; readonly chunks: number }
  | { readonly kind: "delay"; readonly ms: number }

export interface FakeRun {
  id: string
  agentId: string
  status: string
  completed: number
  failed: number
  total: number
  modifiedAt: number
  /** More fields the upstream sends (unknown to core's schema), e.g. a large one. */
  extra?: Record<string, unknown>
}

export interface FakeUpstream {
  readonly url: string
  readonly received: Array<Received>
  /** Faults consumed in order by requests whose path matches. */
  readonly inject: (pathPattern: RegExp, ...faults: Array<Fault>) => void
  readonly runs: Map<string, FakeRun>
  readonly samples: Array<{ id: string; datasetId: string; executionId: string }>
  readonly createRun: (agent: string, status?: string) => FakeRun
  readonly advance: (id: string, patch: Partial<FakeRun>) => void
  readonly count: (method: string, pathPattern: RegExp) => number
  readonly close: () => Promise<void>
}

const runJson = (run: FakeRun) => ({
  id: run.id,
  agentId: run.agentId,
  datasetId: null,
  candidateRevision: 2,
  status: run.status,
  score: run.status === "COMPLETED" ? 0.9 : null,
  summary: null,
  createdAt: 1_700_000_000_000,
  modifiedAt: run.modifiedAt,
  progress: { totalSamples: run.total, completedSamples: run.completed, failedSamples: run.failed },
  // An unknown field: the gateway must pass it through on plain proxying.
  upstreamOnly: "kept",
  ...run.extra
})

const sampleJson = (s: { id: string; datasetId: string; executionId: string }, tagsAsObjects: boolean) => ({
  id: s.id,
  tenantId: "demo",
  datasetId: s.datasetId,
  executionId: s.executionId,
  inputPayload: { q: "hi" },
  output: "hello",
  agentRevision: 1,
  quality: "GOOD",
  isGolden: false,
  createdBy: "fake",
  createdAt: 1,
  modifiedAt: 1,
  tags: tagsAsObjects ? [{ id: randomUUID(), tenantId: "demo", sampleId: s.id, tag: "t", sample: null }] : ["t"]
})

export const startFakeUpstream = async (): Promise<FakeUpstream> => {
  const received: Array<Received> = []
  const faults: Array<{ pattern: RegExp; queue: Array<Fault> }> = []
  const runs = new Map<string, FakeRun>()
  const samples: Array<{ id: string; datasetId: string; executionId: string }> = []
  const sockets = new Set<Socket>()
  let clock = 1_700_000_000_000

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = body === undefined ? "" : JSON.stringify(body)
    res.writeHead(status, {
      "content-type": status >= 400 ? "application/problem+json" : "application/json",
      "content-length": Buffer.byteLength(text),
      ...headers
    })
    res.end(text)
  }

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? "/", "http://x")
    const path = url.pathname
    const method = req.method ?? "GET"
    let m: RegExpExecArray | null
    if ((m = /^\/v1\/tenants\/([^/]+)\/agents\/([^/:]+)\/evaluationRuns\/([^/:]+)$/.exec(path)) && method === "GET") {
      const run = runs.get(m[3]!)
      return run ? send(res, 200, runJson(run), { etag: `"${run.modifiedAt}"` }) : send(res, 404, { title: "Not found", status: 404, detail: "no such run" })
    }
    if ((m = /^\/v1\/tenants\/([^/]+)\/agents\/([^/:]+):evaluate$/.exec(path)) && method === "POST") {
      const run = createRun(m[2]!)
      // A careless upstream: echoes the external candidate's config (secrets included).
      const echoed = (JSON.parse(body || "{}") as { candidateExternalConfig?: unknown }).candidateExternalConfig
      return send(res, 200, echoed ? { ...runJson(run), candidateExternalConfig: echoed } : runJson(run))
    }
    if ((m = /^\/v1\/tenants\/([^/]+)\/agents\/([^/:]+)\/executionRecords\/([^/:]+)\/samples$/.exec(path)) && method === "GET") {
      return send(res, 200, samples.filter((s) => s.executionId === m![3]).map((s) => sampleJson(s, false)))
    }
    if ((m = /^\/v1\/tenants\/([^/]+)\/agents\/([^/:]+)\/executionRecords\/([^/:]+):addToDatasets$/.exec(path)) && method === "POST") {
      const parsed = JSON.parse(body || "{}") as { datasetIds?: Array<string> }
      if (!parsed.datasetIds || parsed.datasetIds.length === 0) {
        return send(res, 400, { title: "Invalid request", status: 400, detail: "datasetIds must name at least one dataset" })
      }
      const created = parsed.datasetIds.map((datasetId) => {
        const sample = { id: randomUUID(), datasetId, executionId: m![3]! }
        samples.push(sample)
        return sample
      })
      return send(res, 200, created.map((s) => sampleJson(s, true)))
    }
    if ((m = /^\/v1\/tenants\/([^/]+)\/agents$/.exec(path)) && method === "GET") {
      return send(res, 200, [{ id: "support_bot", displayName: "Support bot" }])
    }
    if ((m = /^\/v1\/tenants\/([^/]+)\/agents\/([^/:]+)$/.exec(path)) && method === "GET") {
      if (m[2] === "legacy_bot") return send(res, 404, { message: "agent not found", details: "legacy error shape" }, { "content-type": "application/json" })
      return send(res, 200, { id: m[2], displayName: "Agent", upstreamOnly: "kept" }, { "set-cookie": "upstream=1", "x-internal": "secret-topology" })
    }
    if ((m = /^\/v1\/tenants\/([^/]+)\/agents\/([^/:]+)\/datasets$/.exec(path)) && method === "GET") {
      return send(res, 200, [])
    }
    return send(res, 404, { title: "Not found", status: 404, detail: `fake has no ${method} ${path}` })
  }

  const server: Server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8")
      const path = req.url ?? "/"
      received.push({ method: req.method ?? "GET", path, headers: req.headers, body })
      const slot = faults.find((f) => f.pattern.test(path) && f.queue.length > 0)
      const fault = slot?.queue.shift()
      if (fault === undefined) return handle(req, res, body)
      switch (fault.kind) {
        case "status":
          return send(res, fault.status, fault.body ?? { title: "Unavailable", status: fault.status }, fault.retryAfter ? { "retry-after": fault.retryAfter } : {})
        case "reset":
          return req.socket.destroy()
        case "stall":
          return // never answers; closed with the server
        case "delay":
          return void setTimeout(() => handle(req, res, body), fault.ms)
        case "slowBody": {
          res.writeHead(200, { "content-type": "application/json" })
          let sent = 0
          const tick = setInterval(() => {
            if (res.destroyed) return clearInterval(tick)
            res.write(sent === 0 ? "[" : " ")
            if (++sent >= fault.chunks) {
              clearInterval(tick)
              res.end("]")
            }
          }, fault.chunkDelayMs)
          return
        }
      }
    })
  })
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo

  const createRun = (agent: string, status = "PENDING"): FakeRun => {
    const run: FakeRun = { id: randomUUID(), agentId: agent, status, completed: 0, failed: 0, total: 4, modifiedAt: ++clock }
    runs.set(run.id, run)
    return run
  }

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    runs,
    samples,
    inject: (pattern, ...queue) => faults.push({ pattern, queue: [...queue] }),
    createRun,
    advance: (id, patch) => {
      const run = runs.get(id)
      if (!run) throw new Error(`no run ${id}`)
      Object.assign(run, patch, { modifiedAt: ++clock })
    },
    count: (method, pattern) => received.filter((r) => r.method === method && pattern.test(r.path.split("?")[0]!)).length,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
