/**
 * Run changes pushed by the embedded backend: the gateway's shared pollers
 * read a run when the backend says it changed, so `?wait`, event streams and
 * core's watcher see progress and completion without waiting for the poll
 * schedule — here set to 10 minutes, so only a push can end these waits.
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createFruxonClient, type EvaluationRun } from "@fruxkit/core"
import { createLocalBackend } from "@fruxkit/local"
import { createEmbeddedUpstream, startLocalBackend } from "../src/upstream/embedded.js"
import { startGateway, type TestGateway } from "./support/gateway-server.js"
import { openSse } from "./support/sse.js"

const T = "/v1/tenants/demo/agents/support_bot"
const ids = { tenant: "demo", agent: "support_bot" } as const
let gw: TestGateway
let dataDir: string
let agent: Server
let candidate: { candidateExternalConfig: { parameters: { endpoint: string } } }

beforeAll(async () => {
  // An external candidate on loopback answering in 50 ms: a run of the 10 demo samples moves in several steps.
  agent = createServer((req, res) => {
    req.resume()
    req.on("end", () => setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end('{"response":"ok"}'), 50))
  })
  await new Promise<void>((resolve) => agent.listen(0, "127.0.0.1", resolve))
  candidate = { candidateExternalConfig: { parameters: { endpoint: `http://127.0.0.1:${(agent.address() as AddressInfo).port}/` } } }
  dataDir = mkdtempSync(join(tmpdir(), "fruxkit-gw-push-"))
  gw = await startGateway(await startLocalBackend(dataDir), { requestTimeoutMs: 10_000, maxWaitMs: 120_000 }, {
    pollOptions: { initialDelay: "10 minutes", maxDelay: "10 minutes" }
  })
})
afterAll(async () => {
  await gw.close()
  agent.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const evaluate = (query = "") =>
  fetch(`${gw.url}${T}:evaluate${query}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(candidate) })

describe("run changes pushed from the embedded backend", () => {
  it(":evaluate?wait answers with the finished run though the poll schedule would wait 10 minutes", async () => {
    const res = await evaluate("?wait=100s")
    expect(res.status).toBe(200)
    expect(res.headers.get("fruxkit-wait")).toBe("finished")
    expect(await res.json()).toMatchObject({ status: "COMPLETED", progress: { totalSamples: 10, completedSamples: 10 } })
  })

  it("an event stream gets the run's steps in order, ending with done", async () => {
    const started = (await (await evaluate()).json()) as EvaluationRun
    const events = await openSse(`${gw.url}${T}/evaluationRuns/${started.id}/events`)
    const seen: Array<{ event: string; run: EvaluationRun }> = []
    for (let e = await events.next(60_000); e; e = await events.next(60_000)) seen.push({ event: e.event, run: JSON.parse(e.data) })
    expect(seen.at(-1)).toMatchObject({ event: "done", run: { status: "COMPLETED" } })
    // Progress pushed as it committed: more than the first and last state, never going back.
    expect(seen.length).toBeGreaterThan(2)
    const completed = seen.map((s) => s.run.progress?.completedSamples ?? 0)
    expect(completed).toEqual([...completed].sort((a, b) => a - b))
    expect(seen.slice(0, -1).every((s) => s.event === "run" && s.run.status !== "COMPLETED")).toBe(true)
  })

  it("core's watcher sees completion in one request, every step reported once", async () => {
    let requests = 0
    const client = createFruxonClient({ baseUrl: gw.url, fetch: (input, init) => (requests++, fetch(input, init)) })
    try {
      const started = await client.evaluate({ ...ids, body: candidate })
      const before = requests
      const steps: Array<string> = []
      const run = await client.awaitEvaluationRun(
        { ...ids, evaluationRun: started.id },
        { onProgress: (r) => steps.push(`${r.status}:${r.progress?.completedSamples}`), deadline: 60_000 }
      )
      expect(run.status).toBe("COMPLETED")
      expect(requests - before).toBe(1)
      expect(new Set(steps).size).toBe(steps.length)
      expect(steps.at(-1)).toBe("COMPLETED:10")
    } finally {
      await client.close()
    }
  })
})

describe("run changes committed by workers in another backend on the same SQLite file", () => {
  it(":evaluate?wait on a gateway without workers answers when the other backend completes the run (poll schedule: 10 minutes)", async () => {
    const shared = mkdtempSync(join(tmpdir(), "fruxkit-gw-push-shared-"))
    const front = await createLocalBackend({ dataDir: shared, seed: "demo", workers: false })
    const workers = await createLocalBackend({ dataDir: shared, evaluation: { concurrency: 4 } })
    const gateway = await startGateway(createEmbeddedUpstream(front, "embedded (test)"), { requestTimeoutMs: 10_000, maxWaitMs: 120_000 }, {
      pollOptions: { initialDelay: "10 minutes", maxDelay: "10 minutes" }
    })
    try {
      const res = await fetch(`${gateway.url}${T}:evaluate?wait=100s`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ candidateRevision: 2 })
      })
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ status: "COMPLETED", progress: { completedSamples: 10 } })
    } finally {
      await gateway.close()
      await workers.close()
      rmSync(shared, { recursive: true, force: true })
    }
  })
})
