/**
 * Two backends on one data dir, as two processes behind a load balancer
 * would be: one without workers takes requests, the other runs the queue.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { waitFor } from "@fruxkit/testkit"
import type { LocalBackend } from "../src/index.js"
import { AGENT_PATH, awaitRun, call, sendJson, startServer, tempDir, withBackend, type LoopbackServer } from "./support.js"

describe("leases across backends sharing a data dir", () => {
  let front: LocalBackend
  let worker: LocalBackend | undefined
  let agent: LoopbackServer
  let dataDir: string

  beforeAll(async () => {
    agent = await startServer(async (request, response) => {
      await new Promise((r) => setTimeout(r, 150))
      sendJson(response, 200, { response: `ok ${request.body.parameters.question}` })
    })
    dataDir = tempDir()
    ;({ backend: front } = await withBackend({ dataDir, workers: false, evaluation: { leaseMs: 600 } }))
  })
  afterAll(async () => {
    await front.close()
    await worker?.close()
    await agent.close()
  })

  it("a backend without workers leaves persisted runs PENDING but still runs its transient ones", async () => {
    const persisted = await call(front, "POST", `${AGENT_PATH}:evaluate`, { body: { candidateRevision: 2 } })
    const transient = await call(front, "POST", `${AGENT_PATH}:evaluate`, { body: { agent: { steps: [{ type: "template", template: "hm" }] } } })
    expect((await awaitRun(front, transient.json.id)).status).toBe("COMPLETED")
    const still = await call(front, "GET", `${AGENT_PATH}/evaluationRuns/${persisted.json.id}`)
    expect(still.json.status).toBe("PENDING")

    ;({ backend: worker } = await withBackend({ dataDir, evaluation: { leaseMs: 600 } }))
    const done = await awaitRun(front, persisted.json.id)
    expect(done.status).toBe("COMPLETED")
    expect(done.summary.totalSamples).toBe(10)
  })

  it("a cancel taken by one backend stops the run another backend holds, within 2 s", async () => {
    const started = await call(front, "POST", `${AGENT_PATH}:evaluate`, {
      body: { candidateRevision: 2, candidateExternalConfig: { parameters: { endpoint: `${agent.url}/agent` } } }
    })
    await waitFor(async () => (await call(front, "GET", `${AGENT_PATH}/evaluationRuns/${started.json.id}`)).json.status === "IN_PROGRESS", {
      timeoutMs: 2_000,
      intervalMs: 10,
      what: "the run to start"
    }).catch(() => undefined)
    const asked = Date.now()
    const cancel = await call(front, "POST", `${AGENT_PATH}/evaluationRuns/${started.json.id}:cancel`)
    expect(cancel.status).toBe(200)
    const run = await awaitRun(front, started.json.id, 2_500)
    expect(run.status).toBe("CANCELLED")
    expect(Date.now() - asked).toBeLessThan(2_000)
  })
})

describe("FRUXKIT_LOCAL_WORKERS=0 in the environment (what the gateway's embedded backend reads)", () => {
  it("turns the workers for persisted runs off when the embedder does not say otherwise; transient runs still run", async () => {
    const before = process.env.FRUXKIT_LOCAL_WORKERS
    process.env.FRUXKIT_LOCAL_WORKERS = "0"
    let backend: LocalBackend | undefined
    try {
      ;({ backend } = await withBackend())
      const persisted = await call(backend, "POST", `${AGENT_PATH}:evaluate`, { body: { candidateRevision: 2 } })
      const transient = await call(backend, "POST", `${AGENT_PATH}:evaluate`, { body: { agent: { steps: [{ type: "template", template: "hm" }] } } })
      expect((await awaitRun(backend, transient.json.id)).status).toBe("COMPLETED")
      // Well past the poll and the commit watch: nobody claimed it.
      await new Promise((r) => setTimeout(r, 1_500))
      expect((await call(backend, "GET", `${AGENT_PATH}/evaluationRuns/${persisted.json.id}`)).json.status).toBe("PENDING")
    } finally {
      if (before === undefined) delete process.env.FRUXKIT_LOCAL_WORKERS
      else process.env.FRUXKIT_LOCAL_WORKERS = before
      await backend?.close()
    }
  })
})

describe("a run that cannot be prepared", () => {
  it("ends FAILED with an errorMessage that says why (a data dir whose key changed)", async () => {
    const fs = await import("node:fs")
    const path = await import("node:path")
    const dataDir = tempDir()
    const { backend: front } = await withBackend({ dataDir, workers: false })
    const started = await call(front, "POST", `${AGENT_PATH}:evaluate`, {
      body: { candidateRevision: 2, candidateExternalConfig: { parameters: { endpoint: "http://127.0.0.1:9/agent", api_key: "k" } } }
    })
    expect(started.json.status).toBe("PENDING")
    await front.close()
    fs.writeFileSync(path.join(dataDir, "secret.key"), Buffer.alloc(32, 7))
    const { backend } = await withBackend({ dataDir })
    try {
      const run = await awaitRun(backend, started.json.id)
      expect(run.status).toBe("FAILED")
      expect(run.errorMessage).toBe("the candidate's external configuration cannot be decrypted with this data dir's key")
      expect(run.summary).toBeNull()
      expect(run.completedAt).toBeGreaterThan(0)
      // Its first samples were leased while it was being prepared: their slots are free again, so the
      // next run is claimed and completes (every slot would stay taken otherwise, and it would wait forever).
      const next = await call(backend, "POST", `${AGENT_PATH}:evaluate`, { body: { candidateRevision: 2 } })
      expect((await awaitRun(backend, next.json.id)).status).toBe("COMPLETED")
    } finally {
      await backend.close()
    }
  })
})
