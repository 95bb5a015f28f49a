/**
 * Benchmarks (not tests): `pnpm --filter @fruxkit/local bench`.
 *
 * 1. Evaluation throughput: 200 samples, base and candidate both an external
 *    agent on loopback answering in 20 ms, concurrency 8. Ratio = wall time
 *    (POST :evaluate → COMPLETED seen by polling) ÷ ideal (200 × 2 × 20 ms ÷ 8).
 * 2. `:addToDatasets` with 4 concurrent writers through `backend.fetch`
 *    (in-process, as the gateway calls it): sustained rate and latency p50/p99.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { createLocalBackend } from "../src/index.js"
import { AGENT_DELAY_MS, startAgent } from "./loopback-agent.js"
import { json } from "./backend-json.js"

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200)
const CONCURRENCY = 8
const WRITERS = 4
const WRITES_PER_WRITER = Number(process.env.BENCH_WRITES ?? 500)


const inBatches = async <A>(items: ReadonlyArray<A>, size: number, f: (item: A) => Promise<void>) => {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(f))
}

const percentile = (sorted: ReadonlyArray<number>, p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!

const evaluationThroughput = async () => {
  const agent = await startAgent()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fruxkit-bench-"))
  const flow = { steps: [{ type: "external", parameters: { endpoint: `${agent.url}/agent`, timeout_seconds: 10 } }] }
  const backend = await createLocalBackend({
    dataDir,
    evaluation: { concurrency: CONCURRENCY },
    agents: [{ tenant: "bench", id: "bench_bot", flow }]
  })
  const base = "/v1/tenants/bench/agents/bench_bot"
  try {
    await json(backend, "POST", `${base}/revisions`, { comment: "candidate", flow })
    const dataset = await json(backend, "POST", `${base}/datasets`, { name: "bench" })
    await inBatches(
      Array.from({ length: SAMPLES }, (_, i) => i),
      16,
      async (i) => {
        const executed = await json(backend, "POST", `${base}:execute`, { parameters: { question: `question ${i}` } })
        await json(backend, "POST", `${base}/executionRecords/${executed.executionRecordId}:addToDatasets`, { datasetIds: [dataset.id] })
      }
    )
    const started = performance.now()
    const run = await json(backend, "POST", `${base}:evaluate`, { candidateRevision: 2, datasetId: dataset.id })
    let final: any
    for (;;) {
      final = await json(backend, "GET", `${base}/evaluationRuns/${run.id}`)
      if (["COMPLETED", "FAILED", "CANCELLED"].includes(final.status)) break
      await new Promise((r) => setTimeout(r, 5))
    }
    const wallMs = performance.now() - started
    const idealMs = (SAMPLES * 2 * AGENT_DELAY_MS) / CONCURRENCY
    return {
      status: final.status,
      agentPriority: agent.priority,
      samples: final.summary?.totalSamples,
      wallMs: Math.round(wallMs),
      serverMs: final.completedAt - final.createdAt,
      idealMs,
      ratio: Number((wallMs / idealMs).toFixed(2)),
      averageCallMs: [final.summary?.runtime?.averageBaseMs, final.summary?.runtime?.averageCandidateMs],
      // Against what the calls really took (loopback HTTP + timers on this machine): the backend's own overhead.
      ratioToMeasuredCalls: Number(
        (
          wallMs /
          ((SAMPLES * (final.summary?.runtime?.averageBaseMs + final.summary?.runtime?.averageCandidateMs)) / CONCURRENCY)
        ).toFixed(2)
      )
    }
  } finally {
    await backend.close()
    await agent.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

const addToDatasetsRate = async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fruxkit-bench-"))
  const backend = await createLocalBackend({ dataDir, seed: "demo", workers: false })
  const base = "/v1/tenants/demo/agents/support_bot"
  try {
    const datasets = await json(backend, "GET", `${base}/datasets`)
    const second = await json(backend, "POST", `${base}/datasets`, { name: "bench" })
    const records = (await json(backend, "GET", `${base}/executionRecords?PageSize=100`)).items.map((r: any) => r.id)
    const latencies: Array<number> = []
    const started = performance.now()
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        for (let i = 0; i < WRITES_PER_WRITER; i++) {
          const record = records[(writer * WRITES_PER_WRITER + i) % records.length]
          const t0 = performance.now()
          await json(backend, "POST", `${base}/executionRecords/${record}:addToDatasets`, {
            datasetIds: [datasets[0].id, second.id],
            quality: "GOOD",
            tags: ["bench", `writer-${writer}`]
          })
          latencies.push(performance.now() - t0)
        }
      })
    )
    const elapsedS = (performance.now() - started) / 1000
    latencies.sort((a, b) => a - b)
    return {
      requests: latencies.length,
      writers: WRITERS,
      perSecond: Math.round(latencies.length / elapsedS),
      p50Ms: Number(percentile(latencies, 50).toFixed(2)),
      p99Ms: Number(percentile(latencies, 99).toFixed(2)),
      maxMs: Number(latencies[latencies.length - 1]!.toFixed(2))
    }
  } finally {
    await backend.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

const evaluation = await evaluationThroughput()
console.log(
  `evaluation throughput: ${evaluation.samples} samples × 2 calls × ${AGENT_DELAY_MS} ms ÷ ${CONCURRENCY} → ideal ${evaluation.idealMs} ms, ` +
    `wall ${evaluation.wallMs} ms (server ${evaluation.serverMs} ms), ratio ${evaluation.ratio} [${evaluation.status}]; mean per call base/candidate ${evaluation.averageCallMs.join("/")} ms, ratio to the measured call time ${evaluation.ratioToMeasuredCalls} (agent process at ${evaluation.agentPriority})`
)
const writes = await addToDatasetsRate()
console.log(
  `addToDatasets: ${writes.requests} requests (2 datasets, 2 tags each) from ${writes.writers} writers: ` +
    `${writes.perSecond} req/s, p50 ${writes.p50Ms} ms, p99 ${writes.p99Ms} ms, max ${writes.maxMs} ms`
)
