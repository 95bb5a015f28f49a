import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { LocalBackend } from "../src/index.js"
import { AGENT_PATH, DATABASES, call, countRows, isProblem, sendJson, startServer, withBackend, type LoopbackServer } from "./support.js"

const DRAFT = `${AGENT_PATH}/revisions/2/draft`

describe.each(DATABASES)("drafts ($name)", (database) => {
  let backend: LocalBackend
  let dataDir: string
  let databaseUrl: string | undefined

  beforeAll(async () => {
    ;({ backend, dataDir, databaseUrl } = await withBackend({ ...(await database.options()), environmentCap: 3 }))
  })
  afterAll(() => backend.close())

  it("getDraft answers 204 when a revision has no draft", async () => {
    const answer = await call(backend, "GET", `${AGENT_PATH}/revisions/1/draft`)
    expect(answer.status).toBe(204)
    expect(answer.text).toBe("")
  })

  it("saveDraft creates on first call, bumps the version, is a no-op for an identical payload, 409s on mismatch, 428s without If-Match", async () => {
    const url = `${AGENT_PATH}/revisions/1/draft`
    const first = await call(backend, "PUT", url, { body: { headData: { note: "a" } } })
    expect(first.status).toBe(200)
    expect(first.json).toMatchObject({ version: 1, baseRevision: 1, headData: { note: "a" } })

    const missing = await call(backend, "PUT", url, { body: { headData: { note: "b" } } })
    expect(missing.status).toBe(428)
    expect(isProblem(missing)).toBe(true)

    const second = await call(backend, "PUT", url, { body: { headData: { note: "b" } }, headers: { "if-match": 'W/"1"' } })
    expect(second.json.version).toBe(2)

    const same = await call(backend, "PUT", url, { body: { headData: { note: "b" } }, headers: { "if-match": "2" } })
    expect(same.json.version).toBe(2)

    const stale = await call(backend, "PUT", url, { body: { headData: { note: "c" } }, headers: { "if-match": '"1"' } })
    expect(stale.status).toBe(409)
    expect(stale.json.currentVersion).toBe(2)
    expect((await call(backend, "GET", url)).json.headData).toEqual({ note: "b" })
  })

  it("lets exactly one of two concurrent saves with the same If-Match win", async () => {
    const url = `${AGENT_PATH}/revisions/1/draft`
    const version = (await call(backend, "GET", url)).json.version
    const answers = await Promise.all(
      ["left", "right"].map((note) => call(backend, "PUT", url, { body: { headData: { note } }, headers: { "if-match": String(version) } }))
    )
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409])
    const winner = answers.find((a) => a.status === 200)!
    expect(winner.json.version).toBe(version + 1)
    expect((await call(backend, "GET", url)).json.headData).toEqual(winner.json.headData)
  })

  it("draft:test runs the head named by If-Match and records an execution", async () => {
    const draft = (await call(backend, "GET", DRAFT)).json
    const answer = await call(backend, "POST", `${DRAFT}:test`, {
      body: { parameters: { question: "How do I get a refund?" } },
      headers: { "if-match": `"${draft.version}"` }
    })
    expect(answer.status).toBe(200)
    expect(answer.json.status).toBe("COMPLETED")
    expect(answer.json.response).toContain("Refunds go back to the original payment method")
    expect(answer.json.trace.traces.map((t: any) => [t.type, t.status])).toEqual([
      ["FLOW_STEP", "SUCCESS"],
      ["LLM_STEP", "SUCCESS"]
    ])
    expect(answer.json.trace.traces[1].llmStepTrace.inputTokens).toBeGreaterThan(0)
    // The demo draft's first step is a group: its inner steps are traced inside it, and later steps read their outputs.
    expect(answer.json.trace.traces[0]).toMatchObject({ displayName: "Understand the question", status: "SUCCESS" })
    expect(answer.json.trace.traces[0].steps.map((t: any) => [t.displayName, t.type, t.status])).toEqual([
      ["Normalise question", "FLOW_STEP", "SUCCESS"],
      ["Add product context", "FLOW_STEP", "SUCCESS"]
    ])
    expect(answer.json.trace.traces[1].llmStepTrace.llmMessages.at(-2).content).toBe(
      "How do I get a refund?\nContext: customers often ask whether a broken device is covered."
    )
    expect(answer.json.trace.totalCost).toBeGreaterThan(0)
    const record = await call(backend, "GET", `${AGENT_PATH}/executionRecords/${answer.json.executionRecordId}`)
    expect(record.json).toMatchObject({ agentRevision: 2, status: "COMPLETED", hasTrace: true, hasResult: true })
    const trace = await call(backend, "GET", `${AGENT_PATH}/executionRecords/${answer.json.executionRecordId}:trace`)
    expect(trace.json.trace.traces).toHaveLength(2)
    const result = await call(backend, "GET", `${AGENT_PATH}/executionRecords/${answer.json.executionRecordId}:result`)
    expect(result.json.result.strValue).toBe(answer.json.response)
    expect(result.json.parameters).toEqual({ question: "How do I get a refund?" })
  })

  it("a stale If-Match gets 409 /stale-draft and nothing runs: no record, no environment", async () => {
    const before = await countRows(dataDir, databaseUrl)
    const answer = await call(backend, "POST", `${DRAFT}:test`, {
      body: { parameters: { question: "x" }, environmentSlug: "never-created" },
      headers: { "if-match": '"41"' }
    })
    expect(answer.status).toBe(409)
    expect(isProblem(answer)).toBe(true)
    expect(answer.json.type).toMatch(/\/stale-draft$/)
    expect(await countRows(dataDir, databaseUrl)).toEqual(before)
  })

  it("a missing If-Match gets 428 and nothing runs", async () => {
    const before = await countRows(dataDir, databaseUrl)
    const answer = await call(backend, "POST", `${DRAFT}:test`, { body: {} })
    expect(answer.status).toBe(428)
    expect(answer.json.type).toMatch(/\/if-match-required$/)
    expect(await countRows(dataDir, databaseUrl)).toEqual(before)
  })

  it("continues a conversation by sessionId", async () => {
    const version = (await call(backend, "GET", DRAFT)).json.version
    const headers = { "if-match": String(version) }
    const first = await call(backend, "POST", `${DRAFT}:test`, { body: { parameters: { question: "shipping?" } }, headers })
    expect(first.json.response).not.toContain("continuing")
    const second = await call(backend, "POST", `${DRAFT}:test`, {
      body: { parameters: { question: "and refunds?" }, sessionId: first.json.sessionId },
      headers
    })
    expect(second.json.sessionId).toBe(first.json.sessionId)
    expect(second.json.response).toContain("(continuing our conversation)")
    const messages = second.json.trace.traces[1].llmStepTrace.llmMessages
    expect(messages.map((m: any) => m.role)).toEqual(["system", "user", "assistant", "user", "assistant"])
  })

  it("auto-creates environments up to the cap (3, one from the seed), then answers a 422 problem and records nothing", async () => {
    const version = (await call(backend, "GET", DRAFT)).json.version
    const headers = { "if-match": String(version) }
    for (const slug of ["staging", "qa", "staging"]) {
      const ok = await call(backend, "POST", `${DRAFT}:test`, { body: { environmentSlug: slug }, headers })
      expect(ok.status, slug).toBe(200)
    }
    const before = await countRows(dataDir, databaseUrl)
    expect(before.environments).toBe(3) // the demo seed made "production"
    const over = await call(backend, "POST", `${DRAFT}:test`, { body: { environmentSlug: "third" }, headers })
    expect(over.status).toBe(422)
    expect(over.json.type).toMatch(/\/environment-cap-reached$/)
    expect(over.json.detail).toContain("cap of 3")
    expect(await countRows(dataDir, databaseUrl)).toEqual(before)
    const listed = await call(backend, "GET", `${AGENT_PATH}/executionRecords?environmentSlug=qa`)
    expect(listed.json.totalCount).toBe(1)
  })
})

describe("flow steps over real HTTP", () => {
  let llm: LoopbackServer
  let tool: LoopbackServer
  let backend: LocalBackend

  beforeAll(async () => {
    llm = await startServer((request, response) => {
      const messages = request.body.messages as Array<{ role: string; content: string }>
      sendJson(response, 200, {
        model: "fake-gpt",
        choices: [{ message: { role: "assistant", content: `LLM saw ${messages.length} messages; last: ${messages.at(-1)?.content}` } }],
        usage: { prompt_tokens: 100, completion_tokens: 10 }
      })
    })
    tool = await startServer((request, response) => {
      if (request.url.startsWith("/slow")) return void setTimeout(() => sendJson(response, 200, {}), 2_000)
      if (request.url.startsWith("/broken")) return sendJson(response, 500, { error: "boom" })
      sendJson(response, 200, { data: { answer: `${request.url.startsWith("/sandbox") ? "sandbox" : "production"} says ${request.body?.q ?? ""}` } })
    })
    // A generous step deadline except on the slow tool: on a loaded machine a first
    // outbound call (loading undici, connecting) can take longer than 300 ms.
    const flow = (path: string, extra: Record<string, unknown> = {}) => ({
      steps: [
        { type: "http", id: "lookup", url: `${tool.url}${path}`, body: { q: "{{question}}" }, resultPath: "data.answer", timeoutMs: 10_000, ...extra },
        { type: "llm", id: "reply", system: "You answer.", prompt: "Tool said: {{steps.lookup}}" }
      ]
    })
    ;({ backend } = await withBackend({
      seed: "none",
      llm: { baseUrl: llm.url, apiKey: "sk-test-secret" },
      agents: [
        { tenant: "acme", id: "tooling", flow: flow("/prod", { sandboxUrl: `${tool.url}/sandbox` }) },
        { tenant: "acme", id: "prod_only", flow: flow("/prod") },
        { tenant: "acme", id: "slow_tool", flow: flow("/slow", { timeoutMs: 300 }) },
        { tenant: "acme", id: "broken_tool", flow: flow("/broken") }
      ]
    }))
  })
  afterAll(async () => {
    await backend.close()
    await llm.close()
    await tool.close()
  })

  it("runs http and llm steps, with token cost from the model's usage and the API key sent as Bearer", async () => {
    const answer = await call(backend, "POST", "/v1/tenants/acme/agents/tooling:execute", { body: { parameters: { question: "hi" } } })
    expect(answer.json.status).toBe("COMPLETED")
    expect(answer.json.response).toBe("LLM saw 2 messages; last: Tool said: production says hi")
    const [toolStep, llmStep] = answer.json.trace.traces
    expect(toolStep).toMatchObject({ type: "TOOL", status: "SUCCESS" })
    expect(llmStep.llmStepTrace).toMatchObject({ model: "fake-gpt", inputTokens: 100, outputTokens: 10 })
    expect(answer.json.trace.totalCost).toBeCloseTo(100 * 0.5e-6 + 10 * 1.5e-6, 12)
    expect(llm.requests.at(-1)?.headers.authorization).toBe("Bearer sk-test-secret")
  })

  it("SANDBOX mode uses the sandbox variant, and falls back to production without one", async () => {
    const sandbox = await call(backend, "POST", "/v1/tenants/acme/agents/tooling:execute", { body: { parameters: { question: "q" }, mode: "SANDBOX" } })
    expect(sandbox.json.response).toContain("sandbox says q")
    const fallback = await call(backend, "POST", "/v1/tenants/acme/agents/prod_only:execute", { body: { parameters: { question: "q" }, mode: "SANDBOX" } })
    expect(fallback.json.response).toContain("production says q")
  })

  it("traces a tool timeout and a tool 500 as an ERROR step and a FAILED execution", async () => {
    for (const [agent, message] of [
      ["slow_tool", "did not answer within 300 ms"],
      ["broken_tool", "answered HTTP 500"]
    ] as const) {
      const answer = await call(backend, "POST", `/v1/tenants/acme/agents/${agent}:execute`, { body: { parameters: { question: "q" } } })
      expect(answer.status, agent).toBe(200)
      expect(answer.json.status, agent).toBe("FAILED")
      expect(answer.json.trace.traces).toHaveLength(1)
      expect(answer.json.trace.traces[0].status).toBe("ERROR")
      expect(answer.json.trace.traces[0].error).toContain(message)
      const record = await call(backend, "GET", `/v1/tenants/acme/agents/${agent}/executionRecords/${answer.json.executionRecordId}`)
      expect(record.json.status).toBe("FAILED")
    }
  })
})

describe("an LLM endpoint that does not answer in time", () => {
  let llm: LoopbackServer
  let backend: LocalBackend

  beforeAll(async () => {
    llm = await startServer(async (_request, response) => {
      await new Promise((r) => setTimeout(r, 1_000))
      sendJson(response, 200, { choices: [{ message: { content: "too late" } }] })
    })
    ;({ backend } = await withBackend({ seed: "demo", llm: { baseUrl: llm.url, timeoutMs: 200 } }))
  })
  afterAll(async () => {
    await backend.close()
    await llm.close()
  })

  it("fails the llm step with a timeout and records the FAILED execution", async () => {
    const started = Date.now()
    const answer = await call(backend, "POST", `${AGENT_PATH}:execute`, { body: { parameters: { question: "refund?" } } })
    expect(Date.now() - started).toBeLessThan(900)
    expect(answer.json.status).toBe("FAILED")
    const failed = answer.json.trace.traces.find((t: any) => t.status === "ERROR")
    expect(failed).toMatchObject({ type: "LLM_STEP", error: "LLM endpoint did not answer within 200 ms" })
    const record = await call(backend, "GET", `${AGENT_PATH}/executionRecords/${answer.json.executionRecordId}`)
    expect(record.json.status).toBe("FAILED")
  })
})
