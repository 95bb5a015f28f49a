/**
 * What the fake Fruxon server knows: a tenant-agnostic copy of the loop's
 * state (agent `support_bot` with revisions 1 and 2, a draft, datasets
 * `golden` and `edge-cases`, execution records, samples, evaluation runs)
 * and the contract's answers to it (docs/contract/fruxon-api.md). It is a
 * test double of the remote API, not a second backend: it keeps only what
 * tests look at, and each choice below says which behaviour of the real API
 * it stands in for.
 *
 * Runs started by `:evaluate` progress `step` samples per poll of the run
 * (the way a real run moves while a client polls it); `step: 0` leaves every
 * run where it is until the test moves it with `advance` (for tests that
 * count polls or time waits themselves).
 */
import { randomUUID } from "node:crypto"
import type { RecordedRequest, Reply } from "./FakeFruxon.js"
import { AGENT, EDGE, EXECUTION, GOLDEN } from "./fixtures.js"

type Json = Record<string, unknown>

/** An `EvaluationRun` as the model holds it (any contract field beside these). */
export type FakeRun = Json & { id: string; status: string }

export interface FruxonModelOptions {
  /** Samples a new run evaluates (default 4). */
  readonly samples?: number
  /** Samples a run started by `:evaluate` completes per poll (default 2; 0: only `advance` moves runs). */
  readonly step?: number
  /** The score a run ends with (the judge's 0–10 scale; default 7.5). */
  readonly score?: number
  /** New runs end FAILED. */
  readonly failRuns?: boolean
  /** Answer 404 for fruxkit's own listings (revisions, datasets), as a remote Fruxon may. */
  readonly withoutFruxkitListings?: boolean
  /** The draft test answers with this many lines instead of one. */
  readonly responseLines?: number
  /** A finished run's `completedAt - startedAt`, whatever the time it took (a server clock behind the client's). */
  readonly serverElapsedMs?: number
  /** Change the per-sample results a run answers. */
  readonly sample?: (result: Json, index: number, runId: string) => Json
  /**
   * A careless upstream: `:evaluate` echoes `candidateExternalConfig`,
   * secrets included (Fruxon never does; a proxy must scrub it anyway).
   */
  readonly echoExternalConfig?: boolean
}

export interface RunProgressPatch {
  readonly status?: string
  readonly completed?: number
  readonly failed?: number
  /** Any other fields to set on the run (unknown ones included, e.g. a large one). */
  readonly extra?: Record<string, unknown>
}

export interface FruxonModel {
  readonly options: FruxonModelOptions
  /** The draft of revision 2 is at this version (`If-Match` must name it). */
  draftVersion: number
  /** Samples of every dataset, as stored (tags as strings). */
  readonly samples: Array<Json>
  /** Evaluation runs, newest first. */
  readonly runs: Array<FakeRun>
  /** Drafts started by PUT on a revision other than 2. */
  readonly drafts: Map<number, Json>
  /** Set by POST …/revisions/{n}:deploy. */
  deployedRevision: number
  readonly createdDatasets: Array<Json>
  /** A run the test moves itself (`advance`), not by polls. */
  readonly createRun: (agent?: string, status?: string) => FakeRun
  readonly advance: (id: string, patch: RunProgressPatch) => void
  readonly answer: (request: RecordedRequest) => Reply | Promise<Reply>
}

const problem = (status: number, title: string, detail?: string, type = "about:blank"): Reply => ({
  kind: "status",
  status,
  body: { type, title, status, ...(detail ? { detail } : {}) }
})

const json = (body: unknown, status = 200, headers?: Record<string, string>): Reply => ({ kind: "json", status, body, ...(headers ? { headers } : {}) })

export const createFruxonModel = (options: FruxonModelOptions = {}): FruxonModel => {
  const total = options.samples ?? 4
  const step = options.step ?? 2
  const score = options.score ?? 7.5
  // Times are now, and strictly increasing: a run's modifiedAt (and its ETag) changes with every change.
  let clock = 0
  const tick = () => (clock = Math.max(clock + 1, Date.now()))
  /** Runs that move by polls (started by `:evaluate`), with how often each was polled. */
  const polled = new Map<unknown, number>()

  const model: FruxonModel = {
    options,
    draftVersion: 3,
    samples: [{ id: randomUUID(), datasetId: EDGE, executionId: EXECUTION, quality: "GOOD", tags: ["seed"], createdAt: 1_700_000_000_000 }],
    runs: [
      {
        id: "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
        agentId: AGENT,
        datasetId: GOLDEN,
        candidateRevision: 2,
        deployedRevision: 1,
        status: "COMPLETED",
        score: 9.1,
        deploymentRecommendation: "DEPLOY",
        createdAt: 1_700_000_000_000,
        modifiedAt: 1_700_000_010_000,
        startedAt: 1_700_000_000_000,
        completedAt: 1_700_000_010_000,
        summary: summaryFor(9.1, total),
        progress: { totalSamples: total, completedSamples: total, failedSamples: 0 }
      }
    ],
    drafts: new Map(),
    deployedRevision: 1,
    createdDatasets: [],
    createRun: (agent = AGENT, status = "PENDING") => {
      const now = tick()
      const run: FakeRun = {
        id: randomUUID(),
        agentId: agent,
        datasetId: null,
        candidateRevision: 2,
        deployedRevision: 1,
        status,
        summary: null,
        createdAt: now,
        modifiedAt: now,
        progress: { totalSamples: total, completedSamples: 0, failedSamples: 0 },
        // A field this client does not know: a proxy passes it through, re-encoded runs included.
        upstreamOnly: "kept"
      }
      model.runs.unshift(run)
      return run
    },
    advance: (id, patch) => {
      const run = model.runs.find((r) => r.id === id)
      if (!run) throw new Error(`the fake has no run ${id}`)
      const progress = run.progress as { totalSamples: number; completedSamples: number; failedSamples: number }
      run.progress = {
        totalSamples: progress.totalSamples,
        completedSamples: patch.completed ?? progress.completedSamples,
        failedSamples: patch.failed ?? progress.failedSamples
      }
      if (patch.status !== undefined) run.status = patch.status
      Object.assign(run, patch.extra)
      if (run.status === "COMPLETED") run.score ??= score
      run.modifiedAt = tick()
    },
    answer: (request) => route(request)
  }

  const route = (request: RecordedRequest): Reply => {
    const url = new URL(request.url, "http://fake")
    const body = request.body === "" ? undefined : parseJson(request.body)
    const m = /^\/v1\/tenants\/([^/]+)(\/.*)?$/.exec(request.path)
    if (!m) return problem(404, "Not found", `no route ${request.method} ${request.path}`)
    const tenant = m[1]!
    const rest = m[2] ?? ""
    if (request.method === "GET" && rest === "/agents") return json([agent(tenant)])
    const a = /^\/agents\/([^/:]+)(.*)$/.exec(rest)
    if (!a) return problem(404, "Not found", `no route ${request.method} ${request.path}`)
    if (a[1] !== AGENT) return problem(404, "Agent not found", `no agent "${a[1]}" in tenant ${tenant}`)
    const tail = a[2]!
    const routeName = `${request.method} ${tail}`
    // Headers a proxy must not pass back to its clients: the upstream's cookies and internal topology.
    if (routeName === "GET ") return json(agent(tenant), 200, { "set-cookie": "upstream=1", "x-internal": "secret-topology" })
    if (options.withoutFruxkitListings && (routeName === "GET /revisions" || routeName === "GET /datasets")) {
      return problem(404, "Not found", `no route ${routeName}`)
    }
    if (routeName === "GET /revisions") return json([revision(2), revision(1)])
    let r = /^GET \/revisions\/(\d+)$/.exec(routeName)
    if (r) return Number(r[1]) <= 2 ? json(revision(Number(r[1]))) : problem(404, "Revision not found")
    r = /^GET \/revisions\/(\d+)\/draft$/.exec(routeName)
    if (r) {
      if (r[1] === "2") return json({ agentId: AGENT, baseRevision: 2, version: model.draftVersion, headData: {} })
      const started = model.drafts.get(Number(r[1]))
      return started ? json(started) : { kind: "raw", status: 204, body: "" }
    }
    r = /^POST \/revisions\/(\d+):deploy$/.exec(routeName)
    if (r) {
      if (Number(r[1]) > 3) return problem(404, "Revision not found")
      model.deployedRevision = Number(r[1])
      return json({ ...agent(tenant), currentRevision: model.deployedRevision })
    }
    r = /^PUT \/revisions\/(\d+)\/draft$/.exec(routeName)
    if (r && r[1] !== "2" && !model.drafts.has(Number(r[1]))) {
      const draft = { agentId: AGENT, baseRevision: Number(r[1]), version: 1, headData: (body as Json | undefined)?.headData }
      model.drafts.set(Number(r[1]), draft)
      return json(draft)
    }
    if (routeName === "POST /datasets") {
      const b = (body ?? {}) as { name?: string; description?: string }
      if (!b.name) return problem(400, "Invalid request", "name must not be empty")
      if (model.createdDatasets.some((d) => d.name === b.name) || ["golden", "edge-cases"].includes(b.name)) {
        return problem(409, "Conflict", `a dataset named "${b.name}" exists`)
      }
      const dataset = { id: randomUUID(), agentId: AGENT, name: b.name, description: b.description ?? "", sampleCount: 0 }
      model.createdDatasets.push(dataset)
      return json(dataset, 201)
    }
    r = /^POST \/revisions\/(\d+)\/draft:test$/.exec(routeName)
    if (r) {
      const ifMatch = String(request.headers["if-match"] ?? "").replace(/\D/g, "")
      if (Number(ifMatch) !== model.draftVersion) {
        return problem(409, "Stale draft", `the draft is at version ${model.draftVersion}, not ${ifMatch}`, "https://fruxkit.dev/problems/stale-draft")
      }
      const response = options.responseLines
        ? Array.from({ length: options.responseLines }, (_, i) => `answer line ${i + 1}`).join("\n")
        : "Your order #42 ships tomorrow."
      return json({ response, trace, sessionId: "sess-1", executionRecordId: EXECUTION, status: "COMPLETED", links: [], messageBlocks: [] })
    }
    if (routeName === "GET /datasets") {
      const count = (id: string) => model.samples.filter((s) => s.datasetId === id).length + (id === GOLDEN ? 8 : 2)
      return json([
        { id: GOLDEN, agentId: AGENT, name: "golden", sampleCount: count(GOLDEN) },
        { id: EDGE, agentId: AGENT, name: "edge-cases", sampleCount: count(EDGE) },
        ...model.createdDatasets
      ])
    }
    r = /^GET \/datasets\/([^/:]+)$/.exec(routeName)
    if (r && !options.withoutFruxkitListings) {
      const names: Record<string, string> = { [GOLDEN]: "golden", [EDGE]: "edge-cases" }
      const name = names[r[1]!]
      return name ? json({ id: r[1], agentId: AGENT, name, sampleCount: 0 }) : problem(404, "Dataset not found")
    }
    if (routeName === "GET /executionRecords") {
      return json({ items: [{ id: EXECUTION, agentId: AGENT, agentRevision: 2, status: "COMPLETED", totalCost: 0.0042, createdAt: 1_700_000_000_000 }], nextPageToken: "", totalCount: 1 })
    }
    r = /^GET \/executionRecords\/([^/:]+)\/samples$/.exec(routeName)
    if (r) return json(model.samples.filter((s) => s.executionId === r![1]).map((s) => storedSample(s, tenant, false)))
    r = /^POST \/executionRecords\/([^/:]+):addToDatasets$/.exec(routeName)
    if (r) {
      const b = (body ?? {}) as { datasetIds?: Array<string>; quality?: string; tags?: Array<string> }
      if (!b.datasetIds || b.datasetIds.length === 0) return problem(400, "Invalid request", "datasetIds must name at least one dataset")
      // Never an upsert: each call snapshots the execution again (the contract's rule).
      const created = b.datasetIds.map((datasetId) => ({ id: randomUUID(), datasetId, executionId: r![1], quality: b.quality ?? "UNSPECIFIED", tags: b.tags ?? [], createdAt: Date.now() }))
      model.samples.push(...created)
      return json(created.map((s) => storedSample(s, tenant, true)))
    }
    if (routeName === "POST :evaluate") {
      const b = (body ?? {}) as Json
      const run = model.createRun(AGENT, "PENDING")
      run.datasetId = b.datasetId ?? null
      run.candidateRevision = b.candidateRevision ?? null
      if (step > 0) polled.set(run.id, 0)
      return json(options.echoExternalConfig && b.candidateExternalConfig ? { ...run, candidateExternalConfig: b.candidateExternalConfig } : run)
    }
    if (routeName === "GET /evaluationRuns") {
      const size = Number(url.searchParams.get("PageSize") ?? 50)
      const skip = Number(url.searchParams.get("PageToken.Cursor") ?? 0)
      // Runs without a candidate revision are transient: readable by id, never listed (the contract's persistence gate).
      const kept = model.runs.filter((run) => run.candidateRevision !== null)
      const items = kept.slice(skip, skip + size)
      return json({ items, nextPageToken: skip + size < kept.length ? String(skip + size) : "", totalCount: kept.length })
    }
    r = /^GET \/evaluationRuns\/([^/:]+)$/.exec(routeName)
    if (r) {
      const run = model.runs.find((x) => x.id === r![1])
      if (!run) return problem(404, "Evaluation run not found")
      if (polled.has(run.id) && (run.status === "PENDING" || run.status === "IN_PROGRESS")) progressOnPoll(run)
      return json(run, 200, { etag: `"${String(run.modifiedAt)}"` })
    }
    r = /^POST \/evaluationRuns\/([^/:]+):cancel$/.exec(routeName)
    if (r) {
      const run = model.runs.find((x) => x.id === r![1])
      if (!run) return problem(404, "Evaluation run not found")
      if (["COMPLETED", "FAILED", "CANCELLED"].includes(run.status as string)) return problem(409, "Run already ended")
      run.status = "CANCELLED"
      run.modifiedAt = tick()
      return { kind: "raw", status: 200, body: "" }
    }
    r = /^GET \/evaluationRuns\/([^/:]+)\/samples$/.exec(routeName)
    if (r) {
      const items = Array.from({ length: total }, (_, i) => (options.sample ? options.sample(sampleResult(i), i, r![1]!) : sampleResult(i)))
      return json({ items, nextPageToken: "", totalCount: items.length })
    }
    return problem(404, "Not found", `no route ${routeName}`)
  }

  const progressOnPoll = (run: FakeRun) => {
    const seen = (polled.get(run.id) ?? 0) + 1
    polled.set(run.id, seen)
    const done = Math.min(total, (seen - 1) * step)
    run.status = done >= total ? (options.failRuns ? "FAILED" : "COMPLETED") : "IN_PROGRESS"
    run.startedAt = run.createdAt
    run.modifiedAt = tick()
    run.progress = { totalSamples: total, completedSamples: done, failedSamples: 0 }
    if (run.status === "COMPLETED") {
      run.score = score
      run.deploymentRecommendation = score >= 8 ? "DEPLOY" : "HOLD"
      run.summary = summaryFor(score, total)
      run.completedAt = options.serverElapsedMs === undefined ? Date.now() : (run.startedAt as number) + options.serverElapsedMs
    }
    if (run.status === "FAILED") run.errorMessage = "the judge could not be reached"
  }

  return model
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const agent = (tenant: string) => ({
  id: AGENT,
  displayName: "Support bot",
  description: "Answers order questions",
  currentRevision: 1,
  tenantId: tenant,
  enabled: true,
  // A field this client does not know: a proxy passes it through, a client ignores it.
  upstreamOnly: "kept"
})

const revision = (n: number) => ({
  agentId: AGENT,
  agentRevision: n,
  comment: n === 1 ? "first release" : "shorter answers",
  deployed: n === 1,
  parametersMetadata: [
    { name: "question", type: "string", displayName: "Question", description: "The customer's question", required: true, defaultValue: "Where is my order?" },
    { name: "api_token", type: "string", secret: true, defaultValue: "" }
  ]
})

/** A stored sample as the API answers it: tags are objects in `:addToDatasets`, strings in `…/samples` (the contract's quirk). */
const storedSample = (s: Json, tenant: string, tagsAsObjects: boolean) => {
  const tags = (s.tags as Array<string> | undefined) ?? []
  return {
    id: s.id,
    tenantId: tenant,
    datasetId: s.datasetId,
    executionId: s.executionId,
    inputPayload: { question: "Where is my order?" },
    output: "Your order #42 ships tomorrow.",
    agentRevision: 2,
    quality: s.quality,
    isGolden: false,
    createdBy: "fake",
    createdAt: s.createdAt,
    modifiedAt: s.createdAt,
    tags: tagsAsObjects ? tags.map((tag) => ({ id: randomUUID(), tenantId: tenant, sampleId: s.id, tag, sample: null })) : tags
  }
}

const trace = {
  agentId: AGENT,
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
        {
          id: "s1.1",
          displayName: "classify",
          type: "LLM_STEP",
          status: "SUCCESS",
          duration: 300,
          steps: [],
          llmStepTrace: {
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
          result: { strValue: "ORDER_STATUS" }
        },
        {
          id: "s1.2",
          displayName: "lookup_order",
          type: "TOOL",
          status: "ERROR",
          error: "order service timed out",
          duration: 500,
          steps: [],
          toolTrace: { displayName: "lookup", cost: 0.0002 }
        }
      ]
    }
  ]
}

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
