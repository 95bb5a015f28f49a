/**
 * The web viewer's page budget (`pnpm --filter @fruxkit/gateway bench:viewer`):
 * a run of 1,000 samples on the embedded backend, its run page rendered
 * through the gateway's one app (`app.request`, no socket), against the
 * baseline measured in the same run — the JSON the page is built from, read
 * through the same `/v1` pipeline (the run and its 1,000 sample results).
 * Goal: ≤ 150 ms and ≤ 300 KB (before compression) for the page. Timed:
 * a first load of the run on a warm process (a fresh gateway each round, so
 * no run is kept), the very first load of the process (cold code), and a
 * repeat load (the finished run kept by the viewer).
 *
 * The agent is an external one on loopback answering at once with a
 * realistic answer (≈ 300 characters), so the run is 1,000 real samples.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { mkdtempSync, rmSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { createLocalBackend } from "@fruxkit/local"
import { createGateway } from "../src/app.js"
import { defaultConfig } from "../src/config.js"
import { createLogger } from "../src/logger.js"
import { createMetrics } from "../src/metrics.js"
import { createEmbeddedUpstream } from "../src/upstream/embedded.js"

const SAMPLES = Number(process.env.BENCH_VIEWER_SAMPLES ?? 1000)
const ROUNDS = Number(process.env.BENCH_VIEWER_ROUNDS ?? 15)
const TENANT = "bench"
const AGENT = "viewer_bot"
const API = `/v1/tenants/${TENANT}/agents/${AGENT}`

const ANSWER = (question: string) =>
  `Thanks for asking about "${question}". Here is what to do: open Settings, choose Billing, then pick the order and press Refund. ` +
  `Refunds reach the original payment method within five business days. If it does not arrive, reply here with the order number.`

const agent = createServer((req, res) => {
  let body = ""
  req.on("data", (chunk) => (body += chunk))
  req.on("end", () => {
    const question = String((JSON.parse(body) as { parameters: { question?: unknown } }).parameters.question ?? "")
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify({ response: ANSWER(question), usage: { input_tokens: 120, output_tokens: 60 } }))
  })
})
await new Promise<void>((resolve) => agent.listen(0, "127.0.0.1", resolve))
const agentUrl = `http://127.0.0.1:${(agent.address() as AddressInfo).port}/agent`

const dataDir = mkdtempSync(join(tmpdir(), "fruxkit-viewer-bench-"))
const flow = { steps: [{ type: "external", parameters: { endpoint: agentUrl, timeout_seconds: 10 } }] }
const backend = await createLocalBackend({ dataDir, evaluation: { concurrency: 16 }, agents: [{ tenant: TENANT, id: AGENT, flow }] })
// A gateway on the backend; the bench makes fresh ones to time first loads (a fresh viewer has no run kept).
const makeGateway = () =>
  createGateway(defaultConfig({ rateLimitPerSecond: 0, logLevel: "warn" }), {
    upstream: createEmbeddedUpstream(backend, "bench"),
    logger: createLogger({ level: "warn", secrets: [] }),
    metrics: createMetrics({ defaultMetrics: false })
  })
const gateway = makeGateway()

const call = async (method: string, path: string, body?: unknown): Promise<any> => {
  const res = await gateway.app.request(path, {
    method,
    ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
  })
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return res.json()
}

try {
  process.stderr.write(`seeding ${SAMPLES} samples…\n`)
  await call("POST", `${API}/revisions`, { comment: "candidate", flow })
  const dataset = await call("POST", `${API}/datasets`, { name: "viewer-bench" })
  for (let i = 0; i < SAMPLES; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, SAMPLES - i) }, async (_, k) => {
        const executed = await call("POST", `${API}:execute`, { parameters: { question: `question number ${i + k}: where is my refund?` } })
        await call("POST", `${API}/executionRecords/${executed.executionRecordId}:addToDatasets`, { datasetIds: [dataset.id] })
      })
    )
    if ((i / 20) % 10 === 0) process.stderr.write(`  ${i + 20}/${SAMPLES}\n`)
  }
  const started = await call("POST", `${API}:evaluate?wait=300s`, { candidateRevision: 2, datasetId: dataset.id })
  if (started.status !== "COMPLETED") throw new Error(`the run ended ${started.status}`)
  const run = started.id as string

  const page = `/ui/t/${TENANT}/agents/${AGENT}/runs/${run}`
  const apiRead = async () => {
    await call("GET", `${API}/evaluationRuns/${run}`)
    await call("GET", `${API}/evaluationRuns/${run}/samples?PageSize=1000`)
  }
  let bytes = 0
  const pageRead = async (on = gateway) => {
    const res = await on.app.request(page)
    const text = await res.text()
    if (res.status !== 200) throw new Error(`page: ${res.status}`)
    bytes = Buffer.byteLength(text)
  }
  const time = async (f: () => Promise<void>) => {
    const t = performance.now()
    await f()
    return performance.now() - t
  }
  // The very first page load of the process: the viewer's code and decoders still cold (JIT).
  await apiRead()
  const coldMs = await time(pageRead)
  // First loads of a run on a warm process: a fresh gateway each time (nothing kept), the same backend.
  // A finished run's samples are then kept (src/ui/api.ts): the repeat rounds time moving around it.
  const firstMs: Array<number> = []
  const api: Array<number> = []
  const pageMs: Array<number> = []
  for (let i = 0; i < ROUNDS; i++) {
    api.push(await time(apiRead))
    const fresh = makeGateway()
    firstMs.push(await time(() => pageRead(fresh)))
    await fresh.close()
    pageMs.push(await time(pageRead))
  }
  if (process.env.BENCH_VIEWER_PROFILE) {
    const { ViewerApi } = await import("../src/ui/api.js")
    const viewerApi = new ViewerApi((request) => gateway.app.fetch(request))
    for (let i = 0; i < 3; i++) {
      const t = performance.now()
      await viewerApi.runWithSamples(undefined, { tenant: TENANT, agent: AGENT, evaluationRun: run })
      console.log(`  core client read + decode: ${(performance.now() - t).toFixed(1)} ms`)
    }
    await viewerApi.close()
  }
  const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const p = median(pageMs)
  const a = median(api)
  const f = median(firstMs)
  console.log(`viewer run page, ${SAMPLES} samples, ${ROUNDS} rounds (median), load ${loadavg().map((l) => l.toFixed(1)).join(" ")}:`)
  console.log(`  baseline (the same data as JSON through /v1): ${a.toFixed(1)} ms`)
  console.log(`  run page, first load (reads every sample): ${f.toFixed(1)} ms (${(f / a).toFixed(2)}× the baseline; goal ≤ 150 ms)`)
  console.log(`  run page, first load of a cold process: ${coldMs.toFixed(1)} ms`)
  console.log(`  run page, again (finished run kept): ${p.toFixed(1)} ms (${(p / a).toFixed(2)}× the baseline), ${(bytes / 1024).toFixed(0)} KB (goal ≤ 300 KB)`)
} finally {
  await gateway.close()
  await backend.close()
  await new Promise((resolve) => agent.close(resolve))
  rmSync(dataDir, { recursive: true, force: true })
}
