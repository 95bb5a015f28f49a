/**
 * Secrets written into an agent's configuration (issue 22) — a revision's
 * flow, a draft's head, a run's pinned copy of a draft head — are sealed at
 * rest and never shown, on both engines: answers show `[REDACTED]` (and URLs
 * without their credentials), the flow still runs with the real values
 * (a loopback agent and tool receive them), a head sent back as shown keeps
 * the stored secrets, a placeholder with nothing stored is refused, and the
 * SQLite file and WAL bytes (PostgreSQL: the rows) hold no secret.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { LocalBackend } from "../src/index.js"
import { query } from "./postgres.js"
import { AGENT_PATH, DATABASES, awaitRun, call, sendJson, startServer, withBackend, type LoopbackServer } from "./support.js"

const flowWithSecrets = (url: string) => ({
  steps: [
    {
      type: "http",
      id: "lookup",
      url: `${url}/tool?access_token=qt-SECRET-1&q=1`,
      method: "POST",
      body: { Password: "pw-SECRET-2", refreshToken: "rt-SECRET-3", question: "{{question}}" }
    },
    {
      type: "external",
      id: "agent",
      parameters: { endpoint: `${url}/agent`, api_key: "ak-SECRET-4", auth_header_name: "X-Agent-Key", auth_header_value: "hv-SECRET-5", timeout_seconds: 5 }
    }
  ]
})

describe.each(DATABASES)("secrets in revisions and drafts ($name)", (database) => {
  let backend: LocalBackend
  let dataDir: string
  let databaseUrl: string | undefined
  let agent: LoopbackServer
  const answers: Array<string> = []
  const answered = async (...args: Parameters<typeof call>) => {
    const answer = await call(...args)
    answers.push(answer.text)
    return answer
  }

  beforeAll(async () => {
    agent = await startServer((request, res) => sendJson(res, 200, request.url.startsWith("/tool") ? { answer: "tool-ok" } : { response: "agent-ok" }))
    ;({ backend, dataDir, databaseUrl } = await withBackend(await database.options()))
  })
  afterAll(async () => {
    await backend.close()
    await agent.close()
  })

  it("are shown redacted, kept through a round trip, used when the flow runs, and never stored in clear", async () => {
    const created = await answered(backend, "POST", `${AGENT_PATH}/revisions`, { body: { comment: "with secrets", flow: flowWithSecrets(agent.url) } })
    expect(created.status).toBeLessThan(300)
    const revision = created.json.agentRevision as number
    const [lookup, external] = created.json.flow.steps
    expect(lookup.url).toBe(`${agent.url}/tool?access_token=REDACTED&q=1`)
    expect(lookup.body).toEqual({ Password: "[REDACTED]", refreshToken: "[REDACTED]", question: "{{question}}" })
    expect(external.parameters).toMatchObject({ api_key: "[REDACTED]", auth_header_value: "[REDACTED]", endpoint: `${agent.url}/agent` })
    const shown = (await answered(backend, "GET", `${AGENT_PATH}/revisions/${revision}`)).json
    expect(shown.flow).toEqual(created.json.flow)
    await answered(backend, "GET", `${AGENT_PATH}/revisions`)

    // The draft: pulled as shown, one secret changed, pushed back.
    const DRAFT = `${AGENT_PATH}/revisions/${revision}/draft`
    const edited = structuredClone(shown.flow)
    edited.steps[0].body.Password = "pw-SECRET-6"
    const saved = await answered(backend, "PUT", DRAFT, { body: { headData: { flow: edited } } })
    expect(saved.status).toBe(200)
    expect(saved.json.headData.flow.steps[0].body.Password).toBe("[REDACTED]")
    // The same shown head again changes nothing (same version).
    const again = await answered(backend, "PUT", DRAFT, { body: { headData: (await answered(backend, "GET", DRAFT)).json.headData }, headers: { "if-match": String(saved.json.version) } })
    expect(again.json.version).toBe(saved.json.version)

    const tested = await answered(backend, "POST", `${DRAFT}:test`, { body: { parameters: { question: "where is my order?" } }, headers: { "if-match": String(saved.json.version) } })
    expect(tested.status).toBe(200)
    expect(tested.json.response).toBe("agent-ok")
    const started = await answered(backend, "POST", `${DRAFT}:evaluate`, { body: {}, headers: { "if-match": String(saved.json.version) } })
    expect(started.status).toBe(200)
    expect((await awaitRun(backend, started.json.id, 60_000)).status).toBe("COMPLETED")
    await answered(backend, "GET", `${AGENT_PATH}/evaluationRuns/${started.json.id}/samples?PageSize=100`)

    // Every call the flow made (draft:test, then each sample of the pinned head) carried the real values.
    const tools = agent.requests.filter((r) => r.url.startsWith("/tool"))
    const agents = agent.requests.filter((r) => r.url.startsWith("/agent"))
    expect(tools.length).toBeGreaterThan(1)
    expect(agents.length).toBe(tools.length)
    for (const r of tools) {
      expect(r.url).toBe("/tool?access_token=qt-SECRET-1&q=1")
      expect(r.body).toMatchObject({ Password: "pw-SECRET-6", refreshToken: "rt-SECRET-3" })
    }
    for (const r of agents) expect([r.headers["x-agent-key"], r.headers.authorization]).toEqual(["hv-SECRET-5", "Bearer ak-SECRET-4"])

    for (const text of answers) expect(text).not.toContain("SECRET")
    // At rest: the database files' bytes (SQLite, WAL included) or the rows (PostgreSQL).
    if (databaseUrl === undefined) {
      const files = fs.readdirSync(dataDir).filter((f) => f !== "secret.key")
      expect(files.some((f) => f.endsWith("-wal"))).toBe(true)
      const bytes = files.map((f) => fs.readFileSync(path.join(dataDir, f)).toString("latin1")).join("\n")
      expect(bytes).toContain("$sealed")
      expect(bytes).not.toContain("SECRET")
    } else {
      const rows = [
        ...(await query(databaseUrl, "SELECT flow AS v FROM revisions")),
        ...(await query(databaseUrl, "SELECT head_data AS v FROM drafts")),
        ...(await query(databaseUrl, "SELECT candidate_agent AS v FROM evaluation_runs WHERE candidate_agent IS NOT NULL"))
      ].map((row) => String(row.v))
      expect(rows.filter((v) => v.includes("$sealed")).length).toBeGreaterThanOrEqual(3)
      for (const v of rows) expect(v).not.toContain("SECRET")
    }
  }, 90_000)

  it("a redaction placeholder with no secret stored at its place, and a secret of the wrong shape, are refused without echo", async () => {
    const DRAFT = `${AGENT_PATH}/revisions/1/draft`
    const before = await call(backend, "GET", DRAFT)
    const placeholder = await call(backend, "PUT", DRAFT, {
      body: { headData: { flow: { steps: [{ type: "external", parameters: { endpoint: `${agent.url}/agent`, api_key: "[REDACTED]" } }] } } }
    })
    expect(placeholder.status).toBe(400)
    expect(placeholder.json.errors).toEqual([expect.objectContaining({ path: "body.headData.flow.steps[0].parameters.api_key" })])
    const wrongShape = await call(backend, "PUT", DRAFT, {
      body: { headData: { flow: { steps: [{ type: "external", parameters: { endpoint: `${agent.url}/agent`, api_key: { nested: "ob-SECRET-7" } } }] } } }
    })
    expect(wrongShape.status).toBe(400)
    expect(wrongShape.text).not.toContain("SECRET")
    // Nothing was written.
    expect((await call(backend, "GET", DRAFT)).status).toBe(before.status)
  })
})
