/**
 * A small fake of the Fruxon API (contract-shaped JSON, problem+json errors),
 * as a fetch-shaped handler for in-process tests and over node:http for the
 * CLI's child-process tests. It is a test double of the remote API: it keeps
 * just enough state for the loop (draft version, samples, runs that progress
 * one step per poll).
 */
import { createServer, type Server } from "node:http"
import { randomUUID } from "node:crypto"

export const GOLDEN = "0f0e0d0c-0b0a-4909-8807-060504030201"
export const EDGE = "1a1b1c1d-1e1f-4a2b-8c3d-4e5f60718293"
export const EXECUTION = "7d9f8e6c-5b4a-4c3d-9e2f-1a0b9c8d7e6f"

type Json = Record<string, unknown>

export interface FakeOptions {
  /** Samples a new run evaluates; each poll completes `step` more. */
  readonly samples?: number
  readonly step?: number
  /** The score a run ends with (the judge's 0–10 scale). */
  readonly score?: number
  /** Make a new run end FAILED. */
  readonly failRuns?: boolean
  /** Answer 404 for fruxkit's own listings (revisions, datasets), as a remote Fruxon may. */
  readonly withoutFruxkitListings?: boolean
  /** The draft answers with this many lines instead of one. */
  readonly responseLines?: number
  /** A finished run's `completedAt - startedAt`, whatever the time it took (a server clock behind the client's). */
  readonly serverElapsedMs?: number
  /** Change the per-sample results a run answers. */
  readonly sample?: (result: Json, index: number, runId: string) => Json
  /**
   * Answer every request with this status (a problem+json), or drop the
   * connection without an answer ("reset"): the failures the exit-code table
   * maps (401, 5xx, a reset).
   */
  readonly fault?: { readonly status: number; readonly requestId?: string } | "reset"
}

export interface FakeFruxon {
  readonly options: FakeOptions
  readonly fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>
  readonly state: {
    draftVersion: number
    samples: Array<Json>
    runs: Array<Json>
    requests: Array<string>
    lastBodies: Array<unknown>
    /** Drafts started by PUT on a revision other than 2. */
    drafts: Map<number, Json>
    /** Set by POST …/revisions/{n}:deploy. */
    deployedRevision: number
    createdDatasets: Array<Json>
  }
}

const problem = (status: number, title: string, detail?: string, type = "about:blank") =>
  new Response(JSON.stringify({ type, title, status, ...(detail ? { detail } : {}) }), {
    status,
    headers: { "content-type": "application/problem+json" }
  })

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })

const trace = {
  agentId: "support_bot",
  agentRevision: 2,
  duration: 840,
  totalCost: 0.0042,
  traces: [
    {
      id: "s1",
      displayName: "answer",
      type: "FLOW_STEP",
      status: "SUCCESS",
      duration: 800,
      steps: [
        { id: "s1.1", displayName: "classify", type: "LLM_STEP", status: "SUCCESS", duration: 300, steps: [], llmStepTrace: {
            providerId: "fake",
            model: "m",
            inputTokens: 120,
            outputTokens: 12,
            inputCost: 0.001,
            outputCost: 0.001,
            cachedCost: 0,
            llmMessages: [
              { role: "system", content: "Classify the customer's question." },
              { role: "user", content: "Where is my order?" },
              { role: "assistant", content: "ORDER_STATUS" }
            ]
          },
          result: { strValue: "ORDER_STATUS" } },
        { id: "s1.2", displayName: "lookup_order", type: "TOOL", status: "ERROR", error: "order service timed out", duration: 500, steps: [], toolTrace: { displayName: "lookup", cost: 0.0002 } }
      ]
    }
  ]
}

export const createFakeFruxon = (options: FakeOptions = {}): FakeFruxon => {
  const total = options.samples ?? 4
  const step = options.step ?? 2
  const state: FakeFruxon["state"] = {
    draftVersion: 3,
    samples: [{ id: randomUUID(), datasetId: EDGE, executionId: EXECUTION, quality: "GOOD", tags: ["seed"], createdAt: 1_700_000_000_000 }],
    runs: [
      {
        id: "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
        agentId: "support_bot",
        datasetId: GOLDEN,
        candidateRevision: 2,
        deployedRevision: 1,
        status: "COMPLETED",
        score: 9.1,
        deploymentRecommendation: "DEPLOY",
        createdAt: 1_700_000_000_000,
        startedAt: 1_700_000_000_000,
        completedAt: 1_700_000_010_000,
        summary: summaryFor(9.1, total),
        progress: { totalSamples: total, completedSamples: total, failedSamples: 0 }
      }
    ],
    requests: [],
    lastBodies: [],
    drafts: new Map(),
    deployedRevision: 1,
    createdDatasets: []
  }
  const polls = new Map<unknown, number>()

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url)
    const path = decodeURIComponent(url.pathname)
    if (typeof options.fault === "object") {
      const { status, requestId } = options.fault
      // The request id travels as a gateway sends it: the x-request-id header.
      return new Response(JSON.stringify({ type: "about:blank", title: `Fault ${status}`, status, detail: "injected by the test" }), {
        status,
        headers: { "content-type": "application/problem+json", ...(requestId ? { "x-request-id": requestId } : {}) }
      })
    }
    state.requests.push(`${request.method} ${path}`)
    const body = request.method === "POST" || request.method === "PUT" ? await request.json().catch(() => undefined) : undefined
    if (body !== undefined) state.lastBodies.push(body)
    const m = /^\/v1\/tenants\/([^/]+)(\/.*)?$/.exec(path)
    if (!m) return problem(404, "Not found")
    if (m[1] !== "demo") return problem(404, "Tenant not found", `no tenant ${m[1]}`)
    const rest = m[2] ?? ""
    if (request.method === "GET" && rest === "/agents") return json([agent])
    const a = /^\/agents\/([^/:]+)(.*)$/.exec(rest)
    if (!a) return problem(404, "Not found")
    if (a[1] !== "support_bot") return problem(404, "Agent not found", `no agent "${a[1]}" in tenant demo`)
    const tail = a[2]!
    const route = `${request.method} ${tail}`
    if (route === "GET ") return json(agent)
    if (options.withoutFruxkitListings && (route === "GET /revisions" || route === "GET /datasets")) return problem(404, "Not found", `no route ${route}`)
    if (route === "GET /revisions") return json([revision(2), revision(1)])
    let r = /^GET \/revisions\/(\d+)$/.exec(route)
    if (r) return Number(r[1]) <= 2 ? json(revision(Number(r[1]))) : problem(404, "Revision not found")
    r = /^GET \/revisions\/(\d+)\/draft$/.exec(route)
    if (r) {
      if (r[1] === "2") return json({ agentId: "support_bot", baseRevision: 2, version: state.draftVersion, headData: {} })
      const started = state.drafts.get(Number(r[1]))
      return started ? json(started) : new Response(null, { status: 204 })
    }
    r = /^POST \/revisions\/(\d+):deploy$/.exec(route)
    if (r) {
      if (Number(r[1]) > 3) return problem(404, "Revision not found")
      state.deployedRevision = Number(r[1])
      return json({ ...agent, currentRevision: state.deployedRevision })
    }
    r = /^PUT \/revisions\/(\d+)\/draft$/.exec(route)
    if (r && r[1] !== "2" && !state.drafts.has(Number(r[1]))) {
      const draft = { agentId: "support_bot", baseRevision: Number(r[1]), version: 1, headData: (body as Json).headData }
      state.drafts.set(Number(r[1]), draft)
      return json(draft)
    }
    if (route === "POST /datasets") {
      const b = body as { name?: string; description?: string }
      if (!b.name) return problem(400, "Invalid request", "name must not be empty")
      if (state.createdDatasets.some((d) => d.name === b.name) || ["golden", "edge-cases"].includes(b.name)) return problem(409, "Conflict", `a dataset named "${b.name}" exists`)
      const dataset = { id: randomUUID(), agentId: "support_bot", name: b.name, description: b.description ?? "", sampleCount: 0 }
      state.createdDatasets.push(dataset)
      return json(dataset, 201)
    }
    r = /^POST \/revisions\/(\d+)\/draft:test$/.exec(route)
    if (r) {
      const ifMatch = request.headers.get("if-match")?.replace(/\D/g, "")
      if (Number(ifMatch) !== state.draftVersion) {
        return problem(409, "Stale draft", `the draft is at version ${state.draftVersion}, not ${ifMatch}`, "https://fruxkit.dev/problems/stale-draft")
      }
      const response = options.responseLines
        ? Array.from({ length: options.responseLines }, (_, i) => `answer line ${i + 1}`).join("\n")
        : "Your order #42 ships tomorrow."
      return json({ response, trace, sessionId: "sess-1", executionRecordId: EXECUTION, status: "COMPLETED", links: [], messageBlocks: [] })
    }
    if (route === "GET /datasets") {
      const count = (id: string) => state.samples.filter((s) => s.datasetId === id).length + (id === GOLDEN ? 8 : 2)
      return json([
        { id: GOLDEN, agentId: "support_bot", name: "golden", sampleCount: count(GOLDEN) },
        { id: EDGE, agentId: "support_bot", name: "edge-cases", sampleCount: count(EDGE) },
        ...state.createdDatasets
      ])
    }
    r = /^GET \/datasets\/([^/:]+)$/.exec(route)
    if (r && !options.withoutFruxkitListings) {
      const names: Record<string, string> = { [GOLDEN]: "golden", [EDGE]: "edge-cases" }
      const name = names[r[1]!]
      return name ? json({ id: r[1], agentId: "support_bot", name, sampleCount: 0 }) : problem(404, "Dataset not found")
    }
    if (route === "GET /executionRecords") {
      return json({ items: [{ id: EXECUTION, agentId: "support_bot", agentRevision: 2, status: "COMPLETED", totalCost: 0.0042, createdAt: 1_700_000_000_000 }], nextPageToken: "", totalCount: 1 })
    }
    r = /^GET \/executionRecords\/([^/:]+)\/samples$/.exec(route)
    if (r) return json(state.samples.filter((s) => s.executionId === r![1]))
    r = /^POST \/executionRecords\/([^/:]+):addToDatasets$/.exec(route)
    if (r) {
      const b = body as { datasetIds?: Array<string>; quality?: string; tags?: Array<string> }
      if (!b.datasetIds || b.datasetIds.length === 0) return problem(400, "Invalid request", "datasetIds must name at least one dataset")
      const created = b.datasetIds.map((datasetId) => ({ id: randomUUID(), datasetId, executionId: r![1], quality: b.quality ?? "UNSPECIFIED", tags: (b.tags ?? []).map((tag) => ({ tag })), createdAt: Date.now() }))
      for (const c of created) state.samples.push({ ...c, tags: b.tags ?? [] })
      return json(created)
    }
    if (route === "POST :evaluate") {
      const b = (body ?? {}) as Json
      const run = {
        id: randomUUID(),
        agentId: "support_bot",
        datasetId: b.datasetId ?? null,
        candidateRevision: b.candidateRevision ?? null,
        deployedRevision: 1,
        status: "PENDING",
        createdAt: Date.now(),
        progress: { totalSamples: total, completedSamples: 0, failedSamples: 0 }
      }
      state.runs.unshift(run)
      return json(run)
    }
    if (route === "GET /evaluationRuns") {
      const size = Number(url.searchParams.get("PageSize") ?? 50)
      const skip = Number(url.searchParams.get("PageToken.Cursor") ?? 0)
      // Runs without a candidate revision are transient: readable by id, never listed (the contract's persistence gate).
      const kept = state.runs.filter((run) => run.candidateRevision !== null)
      const items = kept.slice(skip, skip + size)
      return json({ items, nextPageToken: skip + size < kept.length ? String(skip + size) : "", totalCount: kept.length })
    }
    r = /^GET \/evaluationRuns\/([^/:]+)$/.exec(route)
    if (r) {
      const run = state.runs.find((x) => x.id === r![1])
      if (!run) return problem(404, "Evaluation run not found")
      if (run.status === "PENDING" || run.status === "IN_PROGRESS") {
        const seen = (polls.get(run.id) ?? 0) + 1
        polls.set(run.id, seen)
        const done = Math.min(total, (seen - 1) * step)
        run.status = done >= total ? (options.failRuns ? "FAILED" : "COMPLETED") : "IN_PROGRESS"
        run.startedAt = run.createdAt
        run.progress = { totalSamples: total, completedSamples: done, failedSamples: 0 }
        if (run.status === "COMPLETED") {
          run.score = options.score ?? 7.5
          run.deploymentRecommendation = (options.score ?? 7.5) >= 8 ? "DEPLOY" : "HOLD"
          run.summary = summaryFor(options.score ?? 7.5, total)
          run.completedAt = options.serverElapsedMs === undefined ? Date.now() : (run.startedAt as number) + options.serverElapsedMs
        }
        if (run.status === "FAILED") run.errorMessage = "the judge could not be reached"
      }
      return json(run)
    }
    r = /^POST \/evaluationRuns\/([^/:]+):cancel$/.exec(route)
    if (r) {
      const run = state.runs.find((x) => x.id === r![1])
      if (!run) return problem(404, "Evaluation run not found")
      if (["COMPLETED", "FAILED", "CANCELLED"].includes(run.status as string)) return problem(409, "Run already ended")
      run.status = "CANCELLED"
      return new Response(null, { status: 200 })
    }
    r = /^GET \/evaluationRuns\/([^/:]+)\/samples$/.exec(route)
    if (r) {
      const items = Array.from({ length: total }, (_, i) => (options.sample ? options.sample(sampleResult(i), i, r![1]!) : sampleResult(i)))
      return json({ items, nextPageToken: "", totalCount: items.length })
    }
    return problem(404, "Not found", `no route ${route}`)
  }

  return {
    state,
    options,
    fetch: (input, init) => handle(input instanceof Request ? input : new Request(input, init))
  }
}

const agent = {
  id: "support_bot",
  displayName: "Support bot",
  description: "Answers order questions",
  currentRevision: 1,
  tenantId: "demo",
  enabled: true
}

const revision = (n: number) => ({
  agentId: "support_bot",
  agentRevision: n,
  comment: n === 1 ? "first release" : "shorter answers",
  deployed: n === 1,
  parametersMetadata: [
    { name: "question", type: "string", displayName: "Question", description: "The customer's question", required: true, defaultValue: "Where is my order?" },
    { name: "api_token", type: "string", secret: true, defaultValue: "" }
  ]
})

function summaryFor(score: number, total: number) {
  return {
    totalSamples: total,
    successfulEvaluations: total,
    failedEvaluations: 0,
    averageLlmScore: score,
    scoreDistribution: { "0-2": 1, "6-8": total - 2, "8-10": 1 },
    assessmentDistribution: { BETTER: total - 1, WORSE: 1 },
    topConcerns: ["Drops the order number in one answer"],
    keyImprovements: ["Shorter, clearer answers"],
    runtime: { totalCandidateMs: 4000, totalBaseMs: 5000, averageCandidateMs: 1000, averageBaseMs: 1250, stdevCandidateMs: 50 },
    cost: { totalCandidate: 0.012, totalBase: 0.016, averageCandidate: 0.003, averageBase: 0.004 }
  }
}

const sampleResult = (i: number) => ({
  sampleId: `sample-${i}`,
  sampleIndex: i,
  parameters: { question: `question ${i}` },
  baseRevisionResult: { response: `base answer ${i}`, status: "COMPLETED" },
  candidateRevisionResult: i === 1 ? { response: "", status: "FAILED" } : { response: `candidate answer ${i}`, status: "COMPLETED" },
  llmEvaluation: {
    score: [9, 2, 7, 9.5][i % 4],
    overallAssessment: i === 1 ? "WORSE" : "BETTER",
    summary: `judge summary ${i}`,
    analysis: `The candidate answer ${i} is compared with the base answer ${i}.`,
    concernsRisks: i === 1 ? ["candidate failed"] : []
  },
  systemEvaluation: { baseRuntimeMs: 1000, candidateRuntimeMs: i === 2 ? 3000 : 900, baseCost: 0.004, candidateCost: 0.003 }
})

/** The same fake over HTTP on loopback, for child processes. */
export const serveFake = async (fake: FakeFruxon): Promise<{ url: string; close: () => Promise<void> }> => {
  const server: Server = createServer(async (req, res) => {
    if (fake.options.fault === "reset") {
      req.socket.destroy()
      return
    }
    const chunks: Array<Buffer> = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method ?? "GET",
      headers: req.headers as Record<string, string>,
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {})
    })
    const response = await fake.fetch(request)
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  const port = typeof address === "object" && address ? address.port : 0
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}
