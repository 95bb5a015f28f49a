/** /healthz, /readyz and /metrics (app.request: no socket needed except for the upstream); /openapi.json and /docs: src/openapi.test.ts. */
import { describe, expect, it } from "vitest"
import { createGateway } from "../src/app.js"
import { defaultConfig } from "../src/config.js"
import { createMetrics } from "../src/metrics.js"
import { runningLatenessWatches } from "../src/middleware/load-shed/loop-lateness.js"
import { createRemoteUpstream } from "../src/upstream/remote.js"
import { startLocalBackend } from "../src/upstream/embedded.js"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { silentLogger } from "./support/middleware-app.js"
import { startFakeFruxon, waitFor } from "@fruxkit/testkit"

const gatewayFor = (url: string, config: Parameters<typeof defaultConfig>[0] = {}) =>
  createGateway(defaultConfig({ rateLimitPerSecond: 0, ...config }), {
    upstream: createRemoteUpstream({ url, token: "upstream-token-ops-0123456789", connectTimeoutMs: 500 }),
    logger: silentLogger,
    metrics: createMetrics({ defaultMetrics: false })
  })

describe("operations endpoints", () => {
  it("healthz is 200; readyz follows the upstream and shutdown", async () => {
    const fake = await startFakeFruxon()
    const gateway = gatewayFor(fake.url)
    expect((await gateway.app.request("/healthz")).status).toBe(200)
    const ready = await gateway.app.request("/readyz")
    expect(ready.status).toBe(200)
    await gateway.beginShutdown()
    expect((await gateway.app.request("/readyz")).status).toBe(503)
    const refused = await gateway.app.request("/v1/tenants/demo/agents")
    expect(refused.status).toBe(503)
    expect(refused.headers.get("content-type")).toContain("application/problem+json")
    await gateway.close()
    await fake.close()

    // Nothing listening there: not ready.
    const down = gatewayFor(fake.url)
    const notReady = await down.app.request("/readyz")
    expect(notReady.status).toBe(503)
    expect(await notReady.json()).toMatchObject({ status: "not ready" })
    await down.close()
  })

  it("close() stops the admission's loop-lateness timer, which its first request started (a queue deadline)", async () => {
    const fake = await startFakeFruxon()
    const before = runningLatenessWatches()
    const gateway = gatewayFor(fake.url, { queueDeadlineMs: 250 })
    expect(runningLatenessWatches()).toBe(before)
    expect((await gateway.app.request("/v1/tenants/demo/agents")).status).toBe(200)
    expect(runningLatenessWatches()).toBe(before + 1)
    await gateway.close()
    expect(runningLatenessWatches()).toBe(before)
    await fake.close()
  })

  it("metrics count requests by route and status, in Prometheus text", async () => {
    const fake = await startFakeFruxon()
    const gateway = gatewayFor(fake.url)
    await gateway.app.request("/v1/tenants/demo/agents")
    await gateway.app.request("/v1/tenants/demo/agents/a1:evaluate")
    const res = await gateway.app.request("/metrics")
    expect(res.headers.get("content-type")).toContain("text/plain")
    const text = await res.text()
    expect(text).toMatch(/fruxkit_gateway_requests_total\{route="listAgents",method="GET",status="200"\} 1/)
    expect(text).toMatch(/fruxkit_gateway_requests_total\{route="unmatched",method="GET",status="405"\} 1/)
    expect(text).toMatch(/fruxkit_gateway_upstream_duration_seconds_count\{route="listAgents",status="200"\} 1/)
    for (const name of ["upstream_retries_total", "active_run_pollers", "active_event_streams"]) {
      expect(text).toContain(`fruxkit_gateway_${name}`)
    }
    await gateway.close()
    await fake.close()
  })

  it("embedded: the local backend's evaluation queue and workers follow the gateway's series", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fruxkit-ops-"))
    const gateway = createGateway(defaultConfig({ rateLimitPerSecond: 0 }), {
      upstream: await startLocalBackend(dataDir),
      logger: silentLogger,
      metrics: createMetrics({ defaultMetrics: false })
    })
    try {
      const started = await gateway.app.request("/v1/tenants/demo/agents/support_bot:evaluate", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ candidateRevision: 2 })
      })
      const run = (await started.json()) as { id: string }
      await waitFor(
        async () => ((await (await gateway.app.request(`/v1/tenants/demo/agents/support_bot/evaluationRuns/${run.id}`)).json()) as { status: string }).status === "COMPLETED",
        { timeoutMs: 15_000, what: "the demo run to complete" }
      ).catch(() => undefined)
      const text = await (await gateway.app.request("/metrics")).text()
      expect(text).toContain("fruxkit_gateway_requests_total")
      // The demo's 10 samples, judged by this process's workers; nothing left in the queue.
      expect(text).toMatch(/fruxkit_evaluation_samples_judged_total\{worker="worker-[0-9a-f-]+"\} 10\n/)
      expect(text).toMatch(/fruxkit_evaluation_queue_depth\{state="waiting"\} 0\n/)
      expect(text).toMatch(/fruxkit_evaluation_agent_latency_seconds_count\{worker="[^"]+",side="candidate"\} 10\n/)
    } finally {
      await gateway.close()
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
