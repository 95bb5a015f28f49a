/**
 * Core benchmarks (not tests): ratios against a baseline measured in the same run.
 *  1. Decoding a 1,000-item evaluation-run samples page with the schemas vs JSON.parse alone.
 *  2. awaitEvaluationRun vs a fixed 5 s poll, against a loopback server whose runs
 *     complete at random times: requests sent and completion-to-detection latency.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import * as Schema from "effect/Schema"
import { createFruxonClient, EvaluationRunSamplesPage } from "../src/index.js"

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
  const decode = Schema.decodeUnknownSync(EvaluationRunSamplesPage)
  const parseOnly = timeIt(30, () => JSON.parse(text))
  const parseAndDecode = timeIt(30, () => decode(JSON.parse(text)))
  console.log(`decode 1,000-item samples page (${(text.length / 1024).toFixed(0)} KiB)`)
  console.log(`  JSON.parse alone        ${parseOnly.toFixed(2)} ms`)
  console.log(`  JSON.parse + schemas    ${parseAndDecode.toFixed(2)} ms`)
  console.log(`  ratio                   ${(parseAndDecode / parseOnly).toFixed(2)}× JSON.parse`)
}

const benchPolling = async (trials: number) => {
  // Each run id completes at its own random time in [1 s, 11 s] after the trial starts.
  const completesAt = new Map<string, number>()
  const requests = new Map<string, number>()
  const server = createServer((req, res) => {
    const id = req.url!.split("/").pop()!
    requests.set(id, (requests.get(id) ?? 0) + 1)
    const done = Date.now() >= completesAt.get(id)!
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify({ id, status: done ? "COMPLETED" : "IN_PROGRESS", modifiedAt: done ? completesAt.get(id) : 0 }))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const client = createFruxonClient({ baseUrl })
  const ref = (evaluationRun: string) => ({ tenant: "demo", agent: "support_bot", evaluationRun })

  const fixedPoll = async (id: string) => {
    for (;;) {
      const run = await client.getEvaluationRun(ref(id))
      if (run.status === "COMPLETED") return Date.now()
      await new Promise((resolve) => setTimeout(resolve, 5000))
    }
  }
  const scheduled = async (id: string) => {
    await client.awaitEvaluationRun(ref(id))
    return Date.now()
  }

  const results = { fixed: { latency: 0, requests: 0 }, schedule: { latency: 0, requests: 0 } }
  await Promise.all(
    Array.from({ length: trials }, async (_, trial) => {
      const at = Date.now() + 1000 + Math.random() * 10_000
      await Promise.all(
        ([["fixed", fixedPoll], ["schedule", scheduled]] as const).map(async ([kind, wait]) => {
          const id = `${kind}-${trial}`
          completesAt.set(id, at)
          const detected = await wait(id)
          results[kind].latency += detected - at
          results[kind].requests += requests.get(id) ?? 0
        })
      )
    })
  )
  await client.close()
  server.close()
  const avg = (kind: "fixed" | "schedule") => ({
    latency: results[kind].latency / trials,
    requests: results[kind].requests / trials
  })
  const fixed = avg("fixed")
  const schedule = avg("schedule")
  console.log(`awaitEvaluationRun vs fixed 5 s poll (${trials} runs completing at random in 1–11 s)`)
  console.log(`  fixed 5 s     ${fixed.requests.toFixed(1)} requests/run, detection ${fixed.latency.toFixed(0)} ms after completion`)
  console.log(`  schedule      ${schedule.requests.toFixed(1)} requests/run, detection ${schedule.latency.toFixed(0)} ms after completion`)
  console.log(
    `  ratio         ${(schedule.requests / fixed.requests).toFixed(2)}× the requests, ${(schedule.latency / fixed.latency).toFixed(2)}× the detection latency`
  )
}

benchDecode()
await benchPolling(Number(process.env.TRIALS ?? 8))
