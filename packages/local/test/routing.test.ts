import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { LocalBackend } from "../src/index.js"
import { AGENT_PATH, call, isProblem, withBackend } from "./support.js"

let backend: LocalBackend

beforeAll(async () => {
  ;({ backend } = await withBackend())
})
afterAll(() => backend.close())

describe("routing", () => {
  it("serves an agent and lists the tenant's agents", async () => {
    const agent = await call(backend, "GET", AGENT_PATH)
    expect(agent.status).toBe(200)
    expect(agent.json).toMatchObject({ id: "support_bot", currentRevision: 1, tenantId: "demo" })
    const all = await call(backend, "GET", "/v1/tenants/demo/agents")
    expect(all.json.map((a: any) => a.id)).toEqual(["support_bot"])
  })

  it("answers an unknown route with a 404 problem", async () => {
    const answer = await call(backend, "GET", `${AGENT_PATH}/nothing-here`)
    expect(answer.status).toBe(404)
    expect(isProblem(answer)).toBe(true)
    expect(answer.json.type).toMatch(/\/route-not-found$/)
    expect(answer.json.instance).toBe(`${AGENT_PATH}/nothing-here`)
  })

  it("does not serve GET …/agents/a1:evaluate as agent 'a1:evaluate': 405 with Allow", async () => {
    const answer = await call(backend, "GET", `${AGENT_PATH}:evaluate`)
    expect(answer.status).toBe(405)
    expect(answer.headers.get("allow")).toBe("POST")
    expect(isProblem(answer)).toBe(true)
  })

  it("answers a method mismatch on a plain path with 405 listing every allowed method", async () => {
    const answer = await call(backend, "DELETE", `${AGENT_PATH}/datasets`)
    expect(answer.status).toBe(405)
    expect(answer.headers.get("allow")?.split(", ").sort()).toEqual(["GET", "POST"])
  })

  it("answers malformed JSON with a 400 problem naming the body", async () => {
    const answer = await call(backend, "POST", `${AGENT_PATH}/datasets`, { raw: '{"name": ' })
    expect(answer.status).toBe(400)
    expect(isProblem(answer)).toBe(true)
    expect(answer.json.errors).toEqual([{ path: "body", message: "is not valid JSON" }])
  })

  it("answers invalid fields with their paths", async () => {
    const answer = await call(backend, "POST", `${AGENT_PATH}/datasets`, { body: { name: 7, extra: true } })
    expect(answer.status).toBe(400)
    const paths = answer.json.errors.map((e: { path: string }) => e.path).sort()
    expect(paths).toEqual(["body.extra", "body.name"])
  })

  it("answers an unknown tenant and an unknown agent with 404", async () => {
    const tenant = await call(backend, "GET", "/v1/tenants/nobody/agents")
    expect(tenant.status).toBe(404)
    expect(tenant.json.title).toBe("Tenant not found")
    const agent = await call(backend, "GET", "/v1/tenants/demo/agents/no_such_agent")
    expect(agent.status).toBe(404)
    expect(agent.json.title).toBe("Agent not found")
  })

  it("answers 404 for an unknown execution record and evaluation run", async () => {
    const id = "3f1d1f0e-0000-4000-8000-000000000000"
    for (const url of [`${AGENT_PATH}/executionRecords/${id}`, `${AGENT_PATH}/evaluationRuns/${id}`, `${AGENT_PATH}/executionRecords/${id}:trace`]) {
      const answer = await call(backend, "GET", url)
      expect(answer.status, url).toBe(404)
      expect(isProblem(answer), url).toBe(true)
    }
  })

  it("creates and deploys a revision, and refuses a flow it cannot run", async () => {
    const flow = { steps: [{ type: "template", template: "Hi {{name}}" }] }
    const created = await call(backend, "POST", `${AGENT_PATH}/revisions`, { body: { comment: "greeter", flow } })
    expect(created.status).toBe(200)
    expect(created.json).toMatchObject({ agentRevision: 3, deployed: false, comment: "greeter" })
    const bad = await call(backend, "POST", `${AGENT_PATH}/revisions`, { body: { flow: { steps: [{ type: "shell" }] } } })
    expect(bad.status).toBe(400)
    expect(bad.json.errors[0].path).toMatch(/^body\.flow\.steps\[0\]/)
    const deployed = await call(backend, "POST", `${AGENT_PATH}/revisions/3:deploy`)
    expect(deployed.json.currentRevision).toBe(3)
    const executed = await call(backend, "POST", `${AGENT_PATH}:execute`, { body: { parameters: { name: "Ada" } } })
    expect(executed.json).toMatchObject({ response: "Hi Ada", status: "COMPLETED" })
    const revisions = await call(backend, "GET", `${AGENT_PATH}/revisions`)
    expect(revisions.json.map((r: any) => [r.agentRevision, r.deployed])).toEqual([
      [3, true],
      [2, false],
      [1, false]
    ])
    await call(backend, "POST", `${AGENT_PATH}/revisions/1:deploy`)
  })

  it("creates datasets (201) and refuses a duplicate name with 409", async () => {
    const created = await call(backend, "POST", `${AGENT_PATH}/datasets`, { body: { name: "regressions" } })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({ name: "regressions", sampleCount: 0 })
    const again = await call(backend, "POST", `${AGENT_PATH}/datasets`, { body: { name: "regressions" } })
    expect(again.status).toBe(409)
    const got = await call(backend, "GET", `${AGENT_PATH}/datasets/${created.json.id}`)
    expect(got.json.id).toBe(created.json.id)
  })
})
