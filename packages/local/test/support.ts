/** Shared test fixtures: temp data dirs, a backend, HTTP calls, loopback servers, row counts. */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import { waitFor } from "@fruxkit/testkit"
import { createLocalBackend, type LocalBackend, type LocalBackendOptions } from "../src/index.js"
import { createDatabase } from "./postgres.js"
import * as PgDatabase from "../src/store/PgDatabase.js"
import * as SqliteDatabase from "../src/store/SqliteDatabase.js"
import * as Store from "../src/store/Store.js"
import type { RunRecord, RunSampleRow } from "../src/store/RunStore.js"

export const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "fruxkit-local-"))

export const AGENT_PATH = "/v1/tenants/demo/agents/support_bot"

export interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: any
}

export const call = async (
  backend: Pick<LocalBackend, "fetch">,
  method: string,
  url: string,
  options: { readonly body?: unknown; readonly raw?: string; readonly headers?: Record<string, string> } = {}
): Promise<Answer> => {
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
  const response = await backend.fetch(
    new Request(`http://local.test${url}`, {
      method,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...options.headers },
      ...(body === undefined ? {} : { body })
    })
  )
  const text = await response.text()
  let json: any = undefined
  try {
    json = text === "" ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, headers: response.headers, text, json }
}

export const withBackend = async (
  options: Partial<LocalBackendOptions> = {}
): Promise<{ backend: LocalBackend; dataDir: string; databaseUrl: string | undefined }> => {
  const dataDir = options.dataDir ?? tempDir()
  const backend = await createLocalBackend({ seed: "demo", ...options, dataDir })
  return { backend, dataDir, databaseUrl: options.databaseUrl }
}

/** The engines a parametrised suite runs on: `describe.each(DATABASES)("… ($name)", (database) => …)`. */
export interface TestDatabase {
  readonly name: string
  /** Backend options selecting the engine; PostgreSQL gets a new, empty database each call. */
  readonly options: () => Promise<Partial<LocalBackendOptions>>
}

export const DATABASES: ReadonlyArray<TestDatabase> = [
  { name: "SQLite", options: async () => ({}) },
  { name: "PostgreSQL", options: async () => ({ databaseUrl: await createDatabase() }) }
]

const TABLES = [
  "tenants",
  "agents",
  "revisions",
  "drafts",
  "environments",
  "sessions",
  "execution_records",
  "datasets",
  "samples",
  "sample_tags",
  "evaluation_runs",
  "evaluation_run_samples"
] as const

/** Rows per table, read through a second connection to the same database (WAL lets SQLite read beside the writer). */
export const countRows = async (dataDir: string, databaseUrl?: string): Promise<Record<string, number>> => {
  const store = await Store.open(databaseUrl === undefined ? SqliteDatabase.layer(dataDir) : PgDatabase.layer(databaseUrl))
  try {
    return await store.run(
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const out: Record<string, number> = {}
        for (const table of TABLES) {
          const [row] = yield* sql<{ n: number }>`SELECT COUNT(*) AS n FROM ${sql(table)}`
          out[table] = Number(row?.n ?? 0)
        }
        // A draft write that changed nothing keeps its version: count versions too.
        const [versions] = yield* sql<{ v: number | null }>`SELECT SUM(version) AS v FROM drafts`
        out.draft_versions = Number(versions?.v ?? 0)
        return out
      })
    )
  } finally {
    await store.close()
  }
}

export interface LoopbackServer {
  readonly url: string
  readonly requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: any }>
  readonly close: () => Promise<void>
}

/** A real HTTP server on 127.0.0.1 with a handler per request. */
export const startServer = async (
  handle: (request: { method: string; url: string; headers: http.IncomingHttpHeaders; body: any }, response: http.ServerResponse) => void | Promise<void>
): Promise<LoopbackServer> => {
  const requests: LoopbackServer["requests"] = []
  const sockets = new Set<import("node:net").Socket>()
  const server = http.createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8")
      let body: any = text
      try {
        body = text === "" ? undefined : JSON.parse(text)
      } catch {
        body = text
      }
      const request = { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body }
      requests.push(request)
      void Promise.resolve(handle(request, res)).catch(() => {
        res.statusCode = 500
        res.end()
      })
    })
  })
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}

export const sendJson = (response: http.ServerResponse, status: number, body: unknown): void => {
  response.writeHead(status, { "content-type": "application/json" })
  response.end(typeof body === "string" ? body : JSON.stringify(body))
}

/** Poll a run until it reaches a terminal status. */
export const awaitRun = async (backend: Pick<LocalBackend, "fetch">, runId: string, timeoutMs = 15_000): Promise<any> => {
  let status: unknown
  return waitFor(
    async () => {
      const answer = await call(backend, "GET", `${AGENT_PATH}/evaluationRuns/${runId}`)
      status = answer.json?.status
      return ["COMPLETED", "FAILED", "CANCELLED"].includes(answer.json?.status) ? answer.json : undefined
    },
    { timeoutMs, intervalMs: 50, what: `run ${runId} to end`, describe: () => `it is ${String(status)}` }
  )
}

export const isProblem = (answer: Answer): boolean =>
  (answer.headers.get("content-type") ?? "").startsWith("application/problem+json") &&
  typeof answer.json?.type === "string" &&
  answer.json?.status === answer.status

/**
 * A new dataset of `count` samples with distinct questions (each a draft test
 * of revision 2 added to it), so an agent stand-in can tell the samples apart.
 */
export const createDatasetOfDistinctSamples = async (backend: Pick<LocalBackend, "fetch">, count: number): Promise<string> => {
  const datasetId = (await call(backend, "POST", `${AGENT_PATH}/datasets`, { body: { name: "load" } })).json.id
  const draft = (await call(backend, "GET", `${AGENT_PATH}/revisions/2/draft`)).json
  for (let i = 0; i < count; i++) {
    const tested = await call(backend, "POST", `${AGENT_PATH}/revisions/2/draft:test`, {
      body: { parameters: { question: `question ${i}: how long does shipping take?` } },
      headers: { "if-match": `"${draft.version}"` }
    })
    await call(backend, "POST", `${AGENT_PATH}/executionRecords/${tested.json.executionRecordId}:addToDatasets`, { body: { datasetIds: [datasetId] } })
  }
  return datasetId
}

/** A stored run's record for tests that drive the run store directly: tenant t, agent a, samples s0…s(n-1), pending. */
export const runRecord = (id: string, samples: number, overrides: Partial<RunRecord> = {}): RunRecord => ({
  id,
  tenantId: "t",
  agentId: "a",
  datasetId: null,
  candidateRevision: 2,
  candidateBaseRevision: null,
  candidateSnapshotSeqNo: null,
  deployedRevision: 1,
  status: "PENDING",
  score: null,
  deploymentRecommendation: null,
  summary: null,
  errorMessage: null,
  createdAt: Date.now(),
  modifiedAt: Date.now(),
  startedAt: 0,
  completedAt: 0,
  createdBy: "test",
  totalSamples: samples,
  completedSamples: 0,
  failedSamples: 0,
  sampleIds: Array.from({ length: samples }, (_, i) => `s${i}`),
  candidateAgent: null,
  candidateExternalSealed: null,
  cancelRequested: false,
  leaseOwner: null,
  leaseExpiresAt: 0,
  transient: false,
  ...overrides
})


/**
 * A sample's stored result for tests that drive the run store or the result writer directly: sample `s<index>`,
 * nothing run and no verdict unless `result` says otherwise.
 */
export const sampleRow = (index: number, result: Partial<RunSampleRow["result"]> = {}, failed = false): RunSampleRow => ({
  sampleIndex: index,
  sampleId: `s${index}`,
  failed,
  result: {
    sampleId: `s${index}`,
    sampleIndex: index,
    parameters: {},
    baseRevisionResult: null,
    candidateRevisionResult: null,
    llmEvaluation: null,
    systemEvaluation: null,
    ...result
  }
})
