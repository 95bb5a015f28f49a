/**
 * The benchmarks' upstream: a fast loopback Fruxon stand-in (recorded JSON
 * for GET agent, GET run and :addToDatasets) plus time-driven runs for the polling
 * comparison, with a per-run poll counter. Run as its own process so the
 * load generator and the proxies do not share its CPU.
 */
import { randomUUID } from "node:crypto"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"

const RUN = JSON.stringify({
  id: "7a0f3c9e-1d2b-4c5d-8e6f-0123456789ab",
  agentId: "support_bot",
  datasetId: "11111111-1111-4111-8111-111111111111",
  candidateRevision: 2,
  candidateBaseRevision: 1,
  candidateSnapshotSeqNo: null,
  deployedRevision: 1,
  status: "COMPLETED",
  score: 8.4,
  deploymentRecommendation: "DEPLOY",
  summary: {
    totalSamples: 10,
    successfulEvaluations: 10,
    failedEvaluations: 0,
    averageLlmScore: 8.4,
    scoreDistribution: { "0-2": 0, "2-4": 0, "4-6": 1, "6-8": 3, "8-10": 6 },
    assessmentDistribution: { BETTER: 6, SAME: 3, WORSE: 1 },
    topConcerns: ["Tone drifts on refunds"],
    keyImprovements: ["Cites the policy", "Shorter answers"],
    runtime: { totalCandidateMs: 5400, totalBaseMs: 6100, averageCandidateMs: 540, averageBaseMs: 610, stdevCandidateMs: 40 },
    cost: { totalCandidate: 0.012, totalBase: 0.015, averageCandidate: 0.0012, averageBase: 0.0015 }
  },
  errorMessage: null,
  createdAt: 1732300000000,
  modifiedAt: 1732300060000,
  startedAt: 1732300001000,
  completedAt: 1732300060000,
  createdBy: "bench"
})

const AGENT = JSON.stringify({
  id: "support_bot",
  displayName: "Support bot",
  description: "Answers order and refund questions",
  tags: ["support", "bench"],
  type: "AGENT",
  enabled: true,
  currentRevision: 2,
  createdAt: 1732300000000,
  modifiedAt: 1732300060000,
  tenantId: "demo",
  origin: "NATIVE",
  externalConfig: null
})

const SAMPLES = JSON.stringify([
  {
    id: "22222222-2222-4222-8222-222222222222",
    tenantId: "demo",
    createdAt: 1732300000000,
    modifiedAt: 1732300000000,
    createdBy: "bench",
    datasetId: "11111111-1111-4111-8111-111111111111",
    executionId: "33333333-3333-4333-8333-333333333333",
    inputPayload: { question: "Where is my order?" },
    output: "It ships tomorrow.",
    agentRevision: 2,
    quality: "GOOD",
    isGolden: false,
    tags: [{ id: "44444444-4444-4444-8444-444444444444", tenantId: "demo", sampleId: "22222222-2222-4222-8222-222222222222", tag: "bench", sample: null }]
  }
])

/** Runs that progress with time: IN_PROGRESS with a sample done every `stepMs`, then COMPLETED. */
const timedRuns = new Map<string, { started: number; steps: number; stepMs: number; polls: number }>()

const timedRun = (id: string, run: { started: number; steps: number; stepMs: number }) => {
  const done = Math.min(run.steps, Math.floor((Date.now() - run.started) / run.stepMs))
  const finished = done >= run.steps
  return JSON.stringify({
    ...JSON.parse(RUN),
    id,
    status: finished ? "COMPLETED" : "IN_PROGRESS",
    summary: finished ? JSON.parse(RUN).summary : null,
    modifiedAt: run.started + done * run.stepMs,
    progress: { totalSamples: run.steps, completedSamples: done, failedSamples: 0 }
  })
}

const server = createServer((req, res) => {
  const url = req.url ?? "/"
  const chunks: Array<Buffer> = []
  req.on("data", (c: Buffer) => chunks.push(c))
  req.on("end", () => {
    const reply = (status: number, body: string) => {
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
      res.end(body)
    }
    if (url.startsWith("/bench/runs") && req.method === "POST") {
      const { steps, stepMs } = JSON.parse(Buffer.concat(chunks).toString() || "{}") as { steps: number; stepMs: number }
      const id = randomUUID()
      timedRuns.set(id, { started: Date.now(), steps, stepMs, polls: 0 })
      return reply(200, JSON.stringify({ id }))
    }
    const stats = /^\/bench\/runs\/([^/]+)\/polls$/.exec(url)
    if (stats) return reply(200, JSON.stringify({ polls: timedRuns.get(stats[1]!)?.polls ?? 0 }))
    const run = /\/evaluationRuns\/([^/:?]+)$/.exec(url.split("?")[0]!)
    if (run && req.method === "GET") {
      const timed = timedRuns.get(run[1]!)
      if (timed) {
        timed.polls++
        return reply(200, timedRun(run[1]!, timed))
      }
      return reply(200, RUN)
    }
    if (url.endsWith(":addToDatasets") && req.method === "POST") return reply(200, SAMPLES)
    if (/\/agents\/[^/:?]+$/.test(url) && req.method === "GET") return reply(200, AGENT)
    reply(404, JSON.stringify({ title: "Not found", status: 404 }))
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`)
})
process.on("SIGTERM", () => process.exit(0))
