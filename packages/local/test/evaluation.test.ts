import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { waitFor } from "@fruxkit/testkit"
import type { LocalBackend } from "../src/index.js"
import { AGENT_PATH, DATABASES, awaitRun, call, createDatasetOfDistinctSamples, isProblem, sendJson, startServer, withBackend, type LoopbackServer } from "./support.js"
import { query } from "./postgres.js"

const SECRET_HEADER_VALUE = "hdr-secret-7f3a9c"
const SECRET_API_KEY = "key-secret-0b2e41"

const readAllFiles = (dir: string): string =>
  fs
    .readdirSync(dir)
    .filter((f) => f !== "secret.key")
    .map((f) => fs.readFileSync(path.join(dir, f)).toString("latin1"))
    .join("\n")

/** PostgreSQL keeps runs in the server, not the data dir: every stored run and result row, as text. */
const storedRunRows = async (databaseUrl: string): Promise<string> =>
  JSON.stringify([
    ...(await query(databaseUrl, "SELECT * FROM evaluation_runs")),
    ...(await query(databaseUrl, "SELECT * FROM evaluation_run_samples"))
  ])

describe.each(DATABASES)("evaluation with the offline model and the heuristic judge ($name)", (database) => {
  let backend: LocalBackend

  beforeAll(async () => {
    ;({ backend } = await withBackend({ ...(await database.options()), evaluation: { concurrency: 4 } }))
  })
  afterAll(() => backend.close())

  it("stores the run as PENDING, answers at once, then completes with a full summary", async () => {
    const started = await call(backend, "POST", `${AGENT_PATH}:evaluate`, { body: { candidateRevision: 2 } })
    expect(started.status).toBe(200)
    expect(started.json).toMatchObject({
      status: "PENDING",
      candidateRevision: 2,
      deployedRevision: 1,
      summary: null,
      progress: { totalSamples: 10, completedSamples: 0, failedSamples: 0 }
    })
    const run = await awaitRun(backend, started.json.id)
    expect(run.status).toBe("COMPLETED")
    expect(run.progress).toEqual({ totalSamples: 10, completedSamples: 10, failedSamples: 0 })
    const s = run.summary
    expect(s.totalSamples).toBe(10)
    expect(s.successfulEvaluations + s.failedEvaluations).toBe(10)
    expect(Object.values(s.scoreDistribution).reduce((a: number, b: any) => a + b, 0)).toBe(s.successfulEvaluations)
    expect(Object.values(s.assessmentDistribution).reduce((a: number, b: any) => a + b, 0)).toBe(s.successfulEvaluations)
    // The demo's story: revision 2 answers as the reviewed golden answers do for 7 questions, and its new context
    // sentence (about broken devices) turns the other 3 into warranty answers.
    expect(s.assessmentDistribution).toEqual({ IMPROVED: 7, REGRESSED: 3 })
    expect(s.keyImprovements[0]).toBe("Closer to the expected output (7/10 samples)")
    expect(s.topConcerns).toContain("Further from the expected output than the base (3/10 samples)")
    expect(s.runtime).toMatchObject({ averageCandidateMs: expect.any(Number), stdevCandidateMs: expect.any(Number) })
    expect(s.cost.totalCandidate).toBeGreaterThan(0)
    expect(s.cost.averageBase).toBeCloseTo(s.cost.totalBase / 10, 8)
    expect(run.score).toBe(s.averageLlmScore)
    expect(run.score).toBeGreaterThan(5)
    expect(run.score).toBeLessThan(10)
    expect(run.deploymentRecommendation).toBe("DEPLOY_WITH_CAUTION")
    expect(run.startedAt).toBeGreaterThan(0)
    expect(run.completedAt).toBeGreaterThanOrEqual(run.startedAt)

    const samples = await call(backend, "GET", `${AGENT_PATH}/evaluationRuns/${run.id}/samples?PageSize=4`)
    expect(samples.json.totalCount).toBe(10)
    expect(samples.json.items.map((i: any) => i.sampleIndex)).toEqual([0, 1, 2, 3])
    const next = await call(backend, "GET", `${AGENT_PATH}/evaluationRuns/${run.id}/samples?PageSize=4&PageToken.Cursor=${samples.json.nextPageToken}`)
    expect(next.json.items.map((i: any) => i.sampleIndex)).toEqual([4, 5, 6, 7])
    const item = samples.json.items[0]
    expect(item.baseRevisionResult.trace.agentRevision).toBe(1)
    expect(item.candidateRevisionResult.trace.agentRevision).toBe(2)
    expect(item.llmEvaluation.overallAssessment).toBe("IMPROVED")
    expect(item.systemEvaluation.candidateCost).toBeGreaterThan(0)
  })

  it("judges a sample deleted after its run was enqueued as failed ('Sample missing'), and the others as usual", async () => {
    // Enqueued where no worker runs, so the sample is gone before any worker reads the run's samples.
    const options = await database.options()
    const { backend: front, dataDir } = await withBackend({ ...options, workers: false })
    let workers: LocalBackend | undefined
    try {
      const datasetId = await createDatasetOfDistinctSamples(front, 3)
      const started = await call(front, "POST", `${AGENT_PATH}:evaluate`, { body: { candidateRevision: 2, datasetId } })
      expect(started.json.progress.totalSamples).toBe(3)
      const [deleted] = (await call(front, "GET", `${AGENT_PATH}/datasets/${datasetId}/samples`)).json.items
      expect((await call(front, "DELETE", `${AGENT_PATH}/executionRecords/${deleted.executionId}/samples`)).status).toBe(204)
      ;({ backend: workers } = await withBackend({ ...options, dataDir }))
      const run = await awaitRun(workers, started.json.id)
      expect(run.status).toBe("COMPLETED")
      expect(run.progress).toEqual({ totalSamples: 3, completedSamples: 3, failedSamples: 1 })
      const items = (await call(workers, "GET", `${AGENT_PATH}/evaluationRuns/${run.id}/samples`)).json.items
      const missing = items.filter((item: any) => item.llmEvaluation.errorCategory === "JUDGE_ERROR")
      expect(missing.map((item: any) => item.sampleId)).toEqual([deleted.id])
      expect(missing[0].llmEvaluation.summary).toMatch(/^Sample missing: /)
      // The others were run over their own input and judged.
      const judged = items.filter((item: any) => item.sampleId !== deleted.id)
      expect(judged.length).toBe(2)
      for (const item of judged) {
        expect(item.parameters.question).toMatch(/^question \d: /)
        expect(item.candidateRevisionResult.trace.agentRevision).toBe(2)
        expect(item.llmEvaluation.errorCategory ?? null).toBeNull()
      }
    } finally {
      await workers?.close()
      await front.close()
    }
  })

  it("persists runs with a candidateRevision in the history and keeps runs without one transient", async () => {
    const inline = await call(backend, "POST", `${AGENT_PATH}:evaluate`, {
      body: { agent: { flow: { steps: [{ type: "template", template: "I don't know." }] } } }
    })
    expect(inline.status).toBe(200)
    const run = await awaitRun(backend, inline.json.id)
    expect(run.status).toBe("COMPLETED")
    expect(run.candidateRevision).toBeNull()
    expect(run.summary.assessmentDistribution.REGRESSED).toBe(10)
    expect(run.deploymentRecommendation).toBe("DO_NOT_DEPLOY")
    const listed = await call(backend, "GET", `${AGENT_PATH}/evaluationRuns?PageSize=100`)
    const ids = listed.json.items.map((r: any) => r.id)
    expect(ids).not.toContain(inline.json.id)
    expect(listed.json.items.every((r: any) => r.candidateRevision !== null)).toBe(true)
    const samples = await call(backend, "GET", `${AGENT_PATH}/evaluationRuns/${inline.json.id}/samples`)
    expect(samples.json.totalCount).toBe(10)
  })

  it("lists runs newest first and filters by status and candidateRevision", async () => {
    const second = await call(backend, "POST", `${AGENT_PATH}:evaluate`, { body: { candidateRevision: 1 } })
    // The deployed revision against itself: every sample equivalent, and the verdict says why that is no reason to deploy.
    const equal = await awaitRun(backend, second.json.id)
    expect(equal.summary.assessmentDistribution).toEqual({ EQUIVALENT: 10 })
    expect(equal.deploymentRecommendation).toBe("NO_CHANGE")
    expect(equal.summary.topConcerns[0]).toMatch(/^Same answers as the deployed revision on every sample: nothing to gain from deploying it/)
    const all = await call(backend, "GET", `${AGENT_PATH}/evaluationRuns`)
    expect(all.json.items[0].id).toBe(second.json.id)
    expect(all.json.totalCount).toBe(2)
    const byRevision = await call(backend, "GET", `${AGENT_PATH}/evaluationRuns?candidateRevision=1`)
    expect(byRevision.json.items.map((r: any) => r.id)).toEqual([second.json.id])
    const page = await call(backend, "GET", `${AGENT_PATH}/evaluationRuns?PageSize=1`)
    expect(page.json.items).toHaveLength(1)
    const rest = await call(backend, "GET", `${AGENT_PATH}/evaluationRuns?PageSize=1&PageToken.Cursor=${page.json.nextPageToken}`)
    expect(rest.json.items[0].id).not.toBe(page.json.items[0].id)
    expect(rest.json.nextPageToken).toBe("")
    const pending = await call(backend, "GET", `${AGENT_PATH}/evaluationRuns?status=PENDING&status=IN_PROGRESS`)
    expect(pending.json.totalCount).toBe(0)
  })

  it("refuses runs it cannot start, with problems", async () => {
    const cases: Array<[unknown, number]> = [
      [{}, 400],
      [{ candidateRevision: 99 }, 404],
      [{ candidateRevision: 2, datasetId: "00000000-0000-4000-8000-000000000000" }, 404],
      [{ candidateExternalConfig: { parameters: { endpoint: "ftp://nope" } } }, 400],
      [{ agent: { flow: { steps: [] } } }, 400],
      [{ candidateRevision: -1 }, 400]
    ]
    for (const [body, status] of cases) {
      const answer = await call(backend, "POST", `${AGENT_PATH}:evaluate`, { body })
      expect(answer.status, JSON.stringify(body)).toBe(status)
      expect(isProblem(answer)).toBe(true)
    }
    const empty = await call(backend, "POST", `${AGENT_PATH}/datasets`, { body: { name: "empty" } })
    const none = await call(backend, "POST", `${AGENT_PATH}:evaluate`, { body: { candidateRevision: 2, datasetId: empty.json.id } })
    expect(none.status).toBe(400)
    expect(none.json.errors[0].path).toBe("body.datasetId")
  })
})

describe.each(DATABASES)("evaluation against an external agent on loopback ($name)", (database) => {
  let agent: LoopbackServer
  let backend: LocalBackend
  let dataDir: string
  let databaseUrl: string | undefined
  let inFlight = 0
  let maxInFlight = 0

  beforeAll(async () => {
    agent = await startServer(async (request, response) => {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      try {
        const question: string = request.body?.parameters?.question ?? ""
        const mode = request.url.slice(1)
        if (mode === "slow") await new Promise((r) => setTimeout(r, 400))
        else await new Promise((r) => setTimeout(r, 15))
        if (mode === "faulty" && /refund/i.test(question)) await new Promise((r) => setTimeout(r, 1_500))
        if (mode === "faulty" && /password/i.test(question)) return sendJson(response, 500, { error: "boom" })
        if (mode === "faulty" && /shipping/i.test(question)) return sendJson(response, 200, "not json at all")
        if (mode === "faulty" && /invoice/i.test(question)) return sendJson(response, 200, { nothing: true })
        sendJson(response, 200, { response: `External says: ${question}`, usage: { input_tokens: 10, output_tokens: 20 } })
      } finally {
        inFlight--
      }
    })
    ;({ backend, dataDir, databaseUrl } = await withBackend({ ...(await database.options()), evaluation: { concurrency: 3, leaseMs: 1_000 } }))
  })
  afterAll(async () => {
    await backend.close()
    await agent.close()
  })

  const external = (mode: string, extra: Record<string, unknown> = {}) => ({
    parameters: {
      endpoint: `${agent.url}/${mode}`,
      auth_header_name: "X-Agent-Key",
      auth_header_value: SECRET_HEADER_VALUE,
      api_key: SECRET_API_KEY,
      timeout_seconds: 1,
      ...extra
    }
  })

  it("calls the agent with the protocol's body and headers, bounded by the concurrency, and never echoes or stores secrets in clear", async () => {
    maxInFlight = 0
    const started = await call(backend, "POST", `${AGENT_PATH}:evaluate`, {
      body: { candidateRevision: 2, candidateExternalConfig: external("ok") }
    })
    expect(started.status).toBe(200)
    const run = await awaitRun(backend, started.json.id)
    expect(run.status).toBe("COMPLETED")
    expect(maxInFlight).toBeLessThanOrEqual(3)
    const call0 = agent.requests.find((r) => r.url === "/ok")!
    expect(call0.method).toBe("POST")
    expect(call0.headers["x-agent-key"]).toBe(SECRET_HEADER_VALUE)
    expect(call0.headers.authorization).toBe(`Bearer ${SECRET_API_KEY}`)
    expect(Object.keys(call0.body).sort()).toEqual(["parameters", "sessionId"])
    expect(call0.body.parameters.question).toEqual(expect.any(String))

    const samples = await call(backend, "GET", `${AGENT_PATH}/evaluationRuns/${run.id}/samples?PageSize=100`)
    const externalStep = samples.json.items[0].candidateRevisionResult.trace.traces[0]
    expect(externalStep.type).toBe("EXTERNAL_AGENT")
    expect(externalStep.toolTrace.parameters).toEqual({ endpoint: `${agent.url}/ok`, auth_header_name: "X-Agent-Key", timeout_seconds: 1 })
    expect(externalStep.llmStepTrace).toBeNull()
    const list = await call(backend, "GET", `${AGENT_PATH}/evaluationRuns`)
    for (const text of [started.text, samples.text, list.text, JSON.stringify(run)]) {
      expect(text).not.toContain(SECRET_HEADER_VALUE)
      expect(text).not.toContain(SECRET_API_KEY)
    }
    const onDisk = readAllFiles(dataDir) + (databaseUrl === undefined ? "" : await storedRunRows(databaseUrl))
    expect(onDisk).not.toContain(SECRET_HEADER_VALUE)
    expect(onDisk).not.toContain(SECRET_API_KEY)
    expect(onDisk).toContain("v1.") // the sealed config is there
  })

  it("does not quote a wrongly typed secret back in a 400", async () => {
    const answer = await call(backend, "POST", `${AGENT_PATH}:evaluate`, {
      body: { candidateExternalConfig: { parameters: { endpoint: `${agent.url}/ok`, api_key: { value: SECRET_API_KEY } } } }
    })
    expect(answer.status).toBe(400)
    expect(answer.json.errors[0].path).toMatch(/^body\.candidateExternalConfig\.parameters/)
    expect(answer.text).not.toContain(SECRET_API_KEY)
    // Nowhere is the refused value shown: a problem says what was expected.
    const plain = await call(backend, "POST", `${AGENT_PATH}:evaluate`, { body: { candidateRevision: "two-S3CRET" } })
    expect(plain.json.errors[0]).toEqual({ path: "body.candidateRevision", message: "Expected number | null" })
    expect(plain.text).not.toContain("S3CRET")
  })

  it("judges an agent's timeouts, 500s and bad replies as candidate failures and still completes the run", async () => {
    const started = await call(backend, "POST", `${AGENT_PATH}:evaluate`, {
      body: { candidateRevision: 2, candidateExternalConfig: external("faulty") }
    })
    const run = await awaitRun(backend, started.json.id)
    expect(run.status).toBe("COMPLETED")
    expect(run.summary.assessmentDistribution.FAILED).toBe(4)
    expect(run.summary.successfulEvaluations).toBe(10)
    expect(run.deploymentRecommendation).toBe("DO_NOT_DEPLOY")
    const samples = await call(backend, "GET", `${AGENT_PATH}/evaluationRuns/${run.id}/samples?PageSize=100`)
    const errors = samples.json.items
      .filter((i: any) => i.candidateRevisionResult.status === "FAILED")
      .map((i: any) => i.candidateRevisionResult.trace.traces[0].error)
      .sort()
    expect(errors).toEqual([
      "external agent answered HTTP 500",
      "external agent did not answer within 1 s",
      "external agent reply has no string `response` or `output`",
      "external agent reply is not JSON"
    ])
    expect(run.summary.topConcerns.some((c: string) => c.startsWith("Candidate failed: external agent"))).toBe(true)
    for (const text of [samples.text, JSON.stringify(run)]) expect(text).not.toContain(SECRET_HEADER_VALUE)
  })

  it("cancels a running run: empty 200, CANCELLED within 2 s, then 409", async () => {
    const started = await call(backend, "POST", `${AGENT_PATH}:evaluate`, {
      body: { candidateRevision: 2, candidateExternalConfig: external("slow") }
    })
    await waitFor(async () => (await call(backend, "GET", `${AGENT_PATH}/evaluationRuns/${started.json.id}`)).json.status === "IN_PROGRESS", {
      timeoutMs: 2_000,
      what: "the run to start"
    }).catch(() => undefined)
    const asked = Date.now()
    const cancel = await call(backend, "POST", `${AGENT_PATH}/evaluationRuns/${started.json.id}:cancel`)
    expect(cancel.status).toBe(200)
    expect(cancel.text).toBe("")
    const run = await awaitRun(backend, started.json.id, 2_000)
    expect(run.status).toBe("CANCELLED")
    expect(Date.now() - asked).toBeLessThan(2_000)
    expect(run.progress.completedSamples).toBeLessThan(10)
    const again = await call(backend, "POST", `${AGENT_PATH}/evaluationRuns/${started.json.id}:cancel`)
    expect(again.status).toBe(409)
    expect(isProblem(again)).toBe(true)
  })

  it("bounds how many samples run at once by evaluation.concurrency", async () => {
    // The cancelled run's aborted calls are still sleeping in the fake agent: let them drain first.
    while (inFlight > 0) await new Promise((r) => setTimeout(r, 20))
    maxInFlight = 0
    // Both sides external-free would be instant; an inline candidate calling the agent over http keeps calls in flight.
    const started = await call(backend, "POST", `${AGENT_PATH}:evaluate`, {
      body: { agent: { flow: { steps: [{ type: "http", url: `${agent.url}/slow`, body: { parameters: { question: "{{question}}" } }, resultPath: "response" }] } } }
    })
    const run = await awaitRun(backend, started.json.id)
    expect(run.status).toBe("COMPLETED")
    expect(maxInFlight).toBe(3)
  })
})

describe("the LLM judge over an OpenAI-compatible server on loopback", () => {
  let llm: LoopbackServer
  let backend: LocalBackend

  beforeAll(async () => {
    llm = await startServer((request, response) => {
      const messages = request.body.messages as Array<{ role: string; content: string }>
      const last = messages.at(-1)?.content ?? ""
      if (!request.body.response_format) {
        return sendJson(response, 200, { choices: [{ message: { content: `Answer to: ${last}` } }], usage: { prompt_tokens: 5, completion_tokens: 5 } })
      }
      const verdict = (content: string) => sendJson(response, 200, { choices: [{ message: { content } }] })
      if (/refund/i.test(last)) return verdict("this is not JSON {")
      if (/password/i.test(last)) return verdict(JSON.stringify({ score: 42, overallAssessment: "IMPROVED", summary: "s" }))
      if (/shipping/i.test(last)) return sendJson(response, 500, { error: "overloaded" })
      verdict(JSON.stringify({ score: 7, overallAssessment: "EQUIVALENT", summary: "fine", concernsRisks: ["Tone"] }))
    })
    ;({ backend } = await withBackend({ llm: { baseUrl: llm.url }, judge: "llm" }))
  })
  afterAll(async () => {
    await backend.close()
    await llm.close()
  })

  it("fails only the samples whose verdict is invalid or missing, and completes the run", async () => {
    const started = await call(backend, "POST", `${AGENT_PATH}:evaluate`, { body: { candidateRevision: 2 } })
    const run = await awaitRun(backend, started.json.id)
    expect(run.status).toBe("COMPLETED")
    expect(run.summary.failedEvaluations).toBe(3)
    expect(run.summary.successfulEvaluations).toBe(7)
    expect(run.progress.failedSamples).toBe(3)
    expect(run.summary.averageLlmScore).toBe(7)
    expect(run.summary.scoreDistribution["6-8"]).toBe(7)
    expect(run.summary.topConcerns).toEqual(["Tone (7/10 samples)"])
    expect(run.deploymentRecommendation).toBe("DEPLOY_WITH_CAUTION")
    const samples = await call(backend, "GET", `${AGENT_PATH}/evaluationRuns/${run.id}/samples?PageSize=100`)
    const failures = samples.json.items
      .filter((i: any) => i.llmEvaluation.errorCategory === "JUDGE_ERROR")
      .map((i: any) => i.llmEvaluation.errorTitle)
      .sort()
    expect(failures).toEqual(["Judge returned an invalid verdict", "Judge returned invalid JSON", "Judge unavailable"])
  })
})
