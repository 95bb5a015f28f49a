/**
 * Core benchmarks (not tests): ratios against a baseline measured in the same run.
 *  1. Decoding a 1,000-item evaluation-run samples page with the schemas vs JSON.parse alone.
 *  2. awaitEvaluationRun through a real fruxkit gateway (spawned, embedded backend):
 *     requests per run and completion-to-seen latency, watcher vs polling vs a fixed 5 s poll.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import * as Schema from "effect/Schema"
import { createFruxonClient, EvaluationRunSamplesPage, isTerminalRunStatus } from "../src/index.js"
import * as ResponseDecoding from "../src/ResponseDecoding.js"
import { startGateway } from "../test/Gateway.js"

const sampleResult = (i: number) => ({
  sampleId: crypto.randomUUID(),
  sampleIndex: i,
  parameters: { question: `question ${i}`, locale: "en" },
  baseRevisionResult: { response: `base answer ${i}`, executionRecordId: crypto.randomUUID(), status: "COMPLETED", sessionId: "s" },
  candidateRevisionResult: { response: `candidate answer ${i}`, executionRecordId: crypto.randomUUID(), status: "Completed", sessionId: "s" },
  llmEvaluation: {
    score: (i % 10) / 10,
    overallAssessment: "EQUIVALENT",
    summary: "close",
    analysis: "token overlap 0.92",
    keyImprovements: ["shorter"],
    concernsRisks: [],
    deploymentRecommendations: [],
    monitoringPriorities: [],
    errorCategory: null,
    errorTitle: null,
    errorRecommendation: null
  },
  systemEvaluation: { baseRuntimeMs: 120, candidateRuntimeMs: 95, baseCost: 0.001, candidateCost: 0.0009 }
})

const timeIt = (iterations: number, fn: () => void): number => {
  for (let i = 0; i < 3; i++) fn()
  const start = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) fn()
  return Number(process.hrtime.bigint() - start) / 1e6 / iterations
}

const benchDecode = () => {
  const text = JSON.stringify({ items: Array.from({ length: 1000 }, (_, i) => sampleResult(i)), nextPageToken: "", totalCount: 1000 })
  // What the client runs on a response body: the compiled decoder (ResponseDecoding.ts), Effect's decoder behind it.
  const decode = ResponseDecoding.decodeResponse(EvaluationRunSamplesPage)
  const effectOnly = Schema.decodeUnknownSync(EvaluationRunSamplesPage, { errors: "all", onExcessProperty: "ignore" })
  if (decode(JSON.parse(text))._tag !== "Right") throw new Error("the bench page does not decode")
  // Interleaved rounds, the median of each: one burst of other work on a shared machine cannot decide the ratio.
  const rounds = { parse: [] as Array<number>, compiled: [] as Array<number>, effect: [] as Array<number> }
  for (let round = 0; round < 5; round++) {
    rounds.parse.push(timeIt(10, () => JSON.parse(text)))
    rounds.compiled.push(timeIt(10, () => decode(JSON.parse(text))))
    rounds.effect.push(timeIt(3, () => effectOnly(JSON.parse(text))))
  }
  const median = (values: Array<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
  const parseOnly = median(rounds.parse)
  const compiled = median(rounds.compiled)
  const effect = median(rounds.effect)
  console.log(`decode 1,000-sample page (${(text.length / 1024).toFixed(0)} KiB), median of 5 interleaved rounds`)
  console.log(`  JSON.parse alone                 ${parseOnly.toFixed(2)} ms`)
  console.log(`  JSON.parse + compiled decoder    ${compiled.toFixed(2)} ms   ratio ${(compiled / parseOnly).toFixed(2)}× JSON.parse`)
  console.log(`  JSON.parse + Effect's decoder    ${effect.toFixed(2)} ms   ratio ${(effect / parseOnly).toFixed(2)}× JSON.parse`)
}

/**
 * Watching runs through a real gateway: requests a watch makes and how long
 * after the run completed (its `completedAt`, same machine clock) the client
 * saw it, for the watcher (`auto`: the gateway's event stream), core's
 * polling schedule, and a fixed 5 s poll — all in the same run.
 */
const benchWatch = async (trials: number) => {
  const gateway = await startGateway()
  // A candidate agent on loopback that takes its time (0.2–1 s an answer), so runs last a few seconds and end at no fixed phase.
  const slowAgent = createServer((req, res) => {
    req.resume()
    req.on("end", () =>
      setTimeout(() => {
        res.writeHead(200, { "content-type": "application/json" })
        res.end(JSON.stringify({ response: "a considered answer" }))
      }, 200 + Math.random() * 800)
    )
  })
  await new Promise<void>((resolve) => slowAgent.listen(0, "127.0.0.1", resolve))
  const candidate = {
    candidateExternalConfig: { parameters: { endpoint: `http://127.0.0.1:${(slowAgent.address() as AddressInfo).port}/` } }
  }
  let requests = 0
  const counting: typeof fetch = (input, init) => {
    requests++
    return fetch(input, init)
  }
  const client = createFruxonClient({ baseUrl: gateway.url, fetch: counting })
  const agent = { tenant: "demo", agent: "support_bot" }
  const fixedPoll = async (evaluationRun: string) => {
    for (;;) {
      const run = await client.getEvaluationRun({ ...agent, evaluationRun })
      if (isTerminalRunStatus(run.status)) return run
      await new Promise((resolve) => setTimeout(resolve, 5000))
    }
  }
  const ways = {
    "watcher (auto)": (evaluationRun: string) => client.awaitEvaluationRun({ ...agent, evaluationRun }),
    "core poll schedule": (evaluationRun: string) => client.awaitEvaluationRun({ ...agent, evaluationRun }, { transport: "poll" }),
    "fixed 5 s poll": fixedPoll
  } as const
  const results = new Map<string, { latencies: Array<number>; requests: Array<number>; runMs: Array<number> }>()
  // Warm-up: the first watch probes what the gateway offers; not counted.
  await client.awaitEvaluationRun({ ...agent, evaluationRun: (await client.evaluate({ ...agent, body: candidate })).id })
  for (let trial = 0; trial < trials; trial++) {
    for (const [name, wait] of Object.entries(ways)) {
      const started = await client.evaluate({ ...agent, body: candidate })
      const before = requests
      const run = await wait(started.id)
      const seenAt = Date.now()
      const entry = results.get(name) ?? { latencies: [], requests: [], runMs: [] }
      entry.latencies.push(seenAt - run.completedAt)
      entry.requests.push(requests - before)
      entry.runMs.push(run.completedAt - run.createdAt)
      results.set(name, entry)
    }
  }
  await client.close()
  await gateway.close()
  slowAgent.close()
  const median = (values: Array<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
  const max = (values: Array<number>) => Math.max(...values)
  console.log(`awaitEvaluationRun through a fruxkit gateway (embedded backend), ${trials} runs each, interleaved`)
  for (const [name, entry] of results) {
    console.log(
      `  ${name.padEnd(20)} seen ${median(entry.latencies).toFixed(0).padStart(5)} ms after completion (median; max ${max(entry.latencies).toFixed(0)}), ` +
        `${median(entry.requests)} requests/run (max ${max(entry.requests)}), runs took ${median(entry.runMs)} ms`
    )
  }
}

benchDecode()
if (process.env.ONLY !== "decode") await benchWatch(Number(process.env.TRIALS ?? 8))
