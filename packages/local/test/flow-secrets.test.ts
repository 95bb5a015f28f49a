/**
 * Secrets written into an agent's configuration (issue 22) — a revision's
 * flow and secret parameters' defaults, a draft's head, an inline candidate,
 * a run's pinned copy of a draft head — are sealed at rest and never shown,
 * on both engines: answers show `[REDACTED]` (and URLs without their
 * credentials), the flow still runs with the real values (a loopback agent
 * and tool receive them), a head sent back as shown keeps the stored secrets
 * (parameters matched by name), a placeholder with nothing stored is
 * refused, and the SQLite file and WAL bytes (PostgreSQL: the rows) hold no
 * secret.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { LocalBackend } from "../src/index.js"
import * as AgentRepository from "../src/store/AgentRepository.js"
import * as FlowSecrets from "../src/store/FlowSecrets.js"
import * as PgDatabase from "../src/store/PgDatabase.js"
import * as SecretBox from "../src/store/SecretBox.js"
import * as SqliteDatabase from "../src/store/SqliteDatabase.js"
import * as Store from "../src/store/Store.js"
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

/** Parameters with secret defaults: one marked `secret`, one only named like a secret (and not a string). */
const parametersWithSecrets = [
  { name: "question", description: "The customer's question", defaultValue: "where is my order?" },
  { name: "vault", secret: true, defaultValue: "pd-SECRET-8" },
  { name: "refreshToken", defaultValue: { value: "pn-SECRET-9" } }
]

/** A revision's parameters as stored, read through a second connection, and their defaults opened with the data dir's key. */
const storedParameters = async (dataDir: string, databaseUrl: string | undefined, revision: number) => {
  const store = await Store.open(databaseUrl === undefined ? SqliteDatabase.layer(dataDir) : PgDatabase.layer(databaseUrl))
  try {
    const found = await store.run(AgentRepository.findRevision("demo", "support_bot", revision, -1))
    const stored = found?.parametersMetadata ?? []
    const opened = FlowSecrets.open(SecretBox.open(dataDir), stored)
    return { stored, defaults: Object.fromEntries(opened.map((p) => [p.name, p.defaultValue])) }
  } finally {
    await store.close()
  }
}

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
    const created = await answered(backend, "POST", `${AGENT_PATH}/revisions`, {
      body: { comment: "with secrets", flow: flowWithSecrets(agent.url), parametersMetadata: parametersWithSecrets }
    })
    expect(created.status).toBeLessThan(300)
    const revision = created.json.agentRevision as number
    const [lookup, external] = created.json.flow.steps
    expect(lookup.url).toBe(`${agent.url}/tool?access_token=REDACTED&q=1`)
    expect(lookup.body).toEqual({ Password: "[REDACTED]", refreshToken: "[REDACTED]", question: "{{question}}" })
    expect(external.parameters).toMatchObject({ api_key: "[REDACTED]", auth_header_value: "[REDACTED]", endpoint: `${agent.url}/agent` })
    const shown = (await answered(backend, "GET", `${AGENT_PATH}/revisions/${revision}`)).json
    expect(shown.flow).toEqual(created.json.flow)
    expect(created.json.parametersMetadata).toMatchObject([
      { name: "question", secret: false, defaultValue: "where is my order?" },
      { name: "vault", secret: true, defaultValue: "[REDACTED]" },
      { name: "refreshToken", secret: false, defaultValue: "[REDACTED]" }
    ])
    expect(shown.parametersMetadata).toEqual(created.json.parametersMetadata)
    const listed = (await answered(backend, "GET", `${AGENT_PATH}/revisions`)).json
    expect(listed.find((r: any) => r.agentRevision === revision).parametersMetadata).toEqual(created.json.parametersMetadata)

    // The draft: pulled as shown, one secret changed, pushed back.
    const DRAFT = `${AGENT_PATH}/revisions/${revision}/draft`
    const edited = structuredClone(shown.flow)
    edited.steps[0].body.Password = "pw-SECRET-6"
    // The parameters as shown, reordered, and one more secret parameter.
    const editedParameters = [...shown.parametersMetadata].reverse().concat([{ name: "db_password", defaultValue: "np-SECRET-10" }])
    const saved = await answered(backend, "PUT", DRAFT, { body: { headData: { flow: edited, parametersMetadata: editedParameters } } })
    expect(saved.status).toBe(200)
    expect(saved.json.headData.flow.steps[0].body.Password).toBe("[REDACTED]")
    expect(saved.json.headData.parametersMetadata.map((p: any) => [p.name, p.secret, p.defaultValue])).toEqual([
      ["refreshToken", false, "[REDACTED]"],
      ["vault", true, "[REDACTED]"],
      ["question", false, "where is my order?"],
      ["db_password", undefined, "[REDACTED]"]
    ])
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

    // A revision made from the head copies its parameters sealed: the defaults kept through the round trip by name.
    const fromDraft = await answered(backend, "POST", `${AGENT_PATH}/revisions`, { body: { fromDraft: { baseRevision: revision } } })
    expect(fromDraft.status).toBeLessThan(300)
    expect(fromDraft.json.parametersMetadata.map((p: any) => p.defaultValue)).toEqual(["[REDACTED]", "[REDACTED]", "where is my order?", "[REDACTED]"])
    await answered(backend, "GET", `${AGENT_PATH}/revisions/${fromDraft.json.agentRevision}`)
    await answered(backend, "GET", `${AGENT_PATH}/revisions`)
    const copied = await storedParameters(dataDir, databaseUrl, fromDraft.json.agentRevision)
    expect(copied.defaults).toEqual({ refreshToken: { value: "pn-SECRET-9" }, vault: "pd-SECRET-8", question: "where is my order?", db_password: "np-SECRET-10" })
    expect(JSON.stringify(copied.stored)).not.toContain("SECRET")

    // An inline candidate carrying parameters: persisted (a candidateRevision), its secret default sealed too.
    const inline = await answered(backend, "POST", `${AGENT_PATH}:evaluate`, {
      body: {
        candidateRevision: revision,
        agent: { flow: { steps: [{ type: "template", id: "echo", template: "{{question}}" }] }, parametersMetadata: [{ name: "session_key", defaultValue: "ie-SECRET-11" }] }
      }
    })
    expect(inline.status).toBe(200)
    expect((await awaitRun(backend, inline.json.id, 60_000)).status).toBe("COMPLETED")

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
        ...(await query(databaseUrl, "SELECT parameters_metadata AS v FROM revisions")),
        ...(await query(databaseUrl, "SELECT head_data AS v FROM drafts")),
        ...(await query(databaseUrl, "SELECT candidate_agent AS v FROM evaluation_runs WHERE candidate_agent IS NOT NULL"))
      ].map((row) => String(row.v))
      expect(rows.filter((v) => v.includes("$sealed")).length).toBeGreaterThanOrEqual(6)
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
    // A secret parameter's default as the placeholder, where no parameter of that name holds one.
    const parameterPlaceholder = await call(backend, "PUT", DRAFT, {
      body: { headData: { parametersMetadata: [{ name: "question" }, { name: "api_token", defaultValue: "[REDACTED]" }] } }
    })
    expect(parameterPlaceholder.status).toBe(400)
    expect(parameterPlaceholder.json.errors).toEqual([expect.objectContaining({ path: "body.headData.parametersMetadata[1].defaultValue" })])
    // Nothing was written.
    expect((await call(backend, "GET", DRAFT)).status).toBe(before.status)

    const revisionsBefore = (await call(backend, "GET", `${AGENT_PATH}/revisions`)).json.length
    const revisionPlaceholder = await call(backend, "POST", `${AGENT_PATH}/revisions`, {
      body: { flow: { steps: [{ type: "template", template: "{{question}}" }] }, parametersMetadata: [{ name: "vault", secret: true, defaultValue: "[REDACTED]" }] }
    })
    expect(revisionPlaceholder.status).toBe(400)
    expect(revisionPlaceholder.json.errors).toEqual([expect.objectContaining({ path: "body.parametersMetadata[0].defaultValue" })])
    expect((await call(backend, "GET", `${AGENT_PATH}/revisions`)).json.length).toBe(revisionsBefore)

    const inlinePlaceholder = await call(backend, "POST", `${AGENT_PATH}:evaluate`, {
      body: { agent: { flow: { steps: [{ type: "template", template: "{{question}}" }] }, parametersMetadata: [{ name: "Password", defaultValue: "[REDACTED]" }] } }
    })
    expect(inlinePlaceholder.status).toBe(400)
    expect(inlinePlaceholder.json.errors).toEqual([expect.objectContaining({ path: "body.agent.parametersMetadata[0].defaultValue" })])
  })
})
