/**
 * The run page's gate verdict, from gates in its URL, on a real finished run
 * of the embedded backend (temp SQLite, demo data) through the real gateway
 * app: each check's threshold and actual value are the API's own numbers, a
 * passing and a failing gate, no gate (only "completed"), and a gate value that
 * does not read (a 400 page saying why, no verdict).
 */
import { RunComparison, type EvaluationRun, type EvaluationRunSampleResult } from "@fruxkit/core"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createGateway, type Gateway } from "../app.js"
import { defaultConfig } from "../config.js"
import { createLogger } from "../logger.js"
import { createMetrics } from "../metrics.js"
import { startLocalBackend } from "../upstream/embedded.js"

const ORIGIN = "http://127.0.0.1:8787"
const API = `${ORIGIN}/v1/tenants/demo/agents/support_bot`

let dir: string
let gateway: Gateway
let run: EvaluationRun
let regressions: number

const call = async <A>(method: string, url: string, body?: unknown): Promise<A> => {
  const res = await gateway.app.request(url, { method, ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }) })
  expect(res.status, `${method} ${url}`).toBeLessThan(300)
  return (await res.json()) as A
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "fruxkit-run-gate-"))
  gateway = createGateway(defaultConfig({ rateLimitPerSecond: 0, logLevel: "warn" }), {
    upstream: await startLocalBackend(dir),
    logger: createLogger({ level: "warn", secrets: [] }),
    metrics: createMetrics({ defaultMetrics: false })
  })
  run = await call<EvaluationRun>("POST", `${API}:evaluate?wait=60s`, { candidateRevision: 2 })
  const samples = (await call<{ items: Array<EvaluationRunSampleResult> }>("GET", `${API}/evaluationRuns/${run.id}/samples?PageSize=1000`)).items
  regressions = samples.filter(RunComparison.isRegression).length
}, 90_000)

afterAll(async () => {
  await gateway?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** The page at `?query`, read as its verdict and checks (name → [threshold, actual, passed]). */
const gatePage = async (query: string) => {
  const res = await gateway.app.request(`${ORIGIN}/ui/t/demo/agents/support_bot/runs/${run.id}${query}`)
  const html = await res.text()
  const verdict = /data-gate-verdict[^>]*>(PASS|FAIL)</.exec(html)?.[1] ?? null
  const checks = Object.fromEntries(
    [...html.matchAll(/<tr data-gate-check="(\w+)" data-passed="(true|false)"><td>[^<]*<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td>/g)].map((m) => [m[1], [m[3], m[4], m[2] === "true"]])
  )
  return { status: res.status, html, verdict, checks }
}

const score = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2))

describe("the run page's gate verdict", () => {
  it("passes a gate the finished run meets: each check with the API's threshold and actual", async () => {
    expect(run.status).toBe("COMPLETED")
    expect(run.score!).toBeGreaterThan(1) // so the floor below reads as a score, not a fraction
    const deploy = run.deploymentRecommendation === "DEPLOY"
    const page = await gatePage(`?failUnder=${run.score}&maxRegressions=${regressions}${deploy ? "&requireDeploy=1" : ""}`)
    expect(page.status).toBe(200)
    expect(page.verdict).toBe("PASS")
    expect(page.checks).toEqual({
      completed: ["COMPLETED", "COMPLETED", true],
      fail_under: [score(run.score!), score(run.score!), true],
      max_regressions: [String(regressions), String(regressions), true],
      ...(deploy ? { require_deploy: ["DEPLOY", "DEPLOY", true] } : {})
    })
    // The gate stays in the page's links, so a sorted or filtered view is still the gated one.
    expect(page.html).toContain(`?sort=score&amp;failUnder=${run.score}&amp;maxRegressions=${regressions}`)
  })

  it("fails a gate the run misses, naming the failing checks (a fraction of the 0–10 scale, one regression fewer, DEPLOY)", async () => {
    expect(run.score!).toBeLessThan(10)
    const page = await gatePage(`?failUnder=1&maxRegressions=${Math.max(0, regressions - 1)}&requireDeploy=1`)
    expect(page.status).toBe(200)
    expect(page.verdict).toBe("FAIL")
    expect(page.checks["completed"]).toEqual(["COMPLETED", "COMPLETED", true])
    expect(page.checks["fail_under"]).toEqual(["10", score(run.score!), false])
    expect(page.checks["max_regressions"]).toEqual([String(Math.max(0, regressions - 1)), String(regressions), regressions === 0])
    expect(page.checks["require_deploy"]).toEqual(["DEPLOY", run.deploymentRecommendation ?? "—", run.deploymentRecommendation === "DEPLOY"])
  })

  it("with no gate in the URL shows only the completed check, the recommendation, and the form to set gates", async () => {
    const page = await gatePage("")
    expect(page.status).toBe(200)
    expect(page.verdict).toBe("PASS")
    expect(Object.keys(page.checks)).toEqual(["completed"])
    expect(page.html).toContain(`recommendation: ${run.deploymentRecommendation ?? "—"}`)
    expect(page.html).toMatch(/<form[^>]*data-gate-form/)
    expect(page.html).toContain('name="failUnder"')
  })

  it("a gate value that does not read: a 400 page that says which and why, no verdict, the run still shown", async () => {
    for (const [query, says] of [
      ["?failUnder=abc", "failUnder must be a number from 0 to 10"],
      ["?failUnder=11", "not &quot;11&quot;"],
      ["?failUnder=-1", "not &quot;-1&quot;"],
      ["?maxRegressions=1.5", "maxRegressions must be a whole number"],
      ["?requireDeploy=maybe", "requireDeploy must be 1 or 0"]
    ] as const) {
      const page = await gatePage(query)
      expect(page.status, query).toBe(400)
      expect(page.verdict, query).toBeNull()
      expect(page.checks, query).toEqual({})
      expect(page.html, query).toContain("data-gate-error")
      expect(page.html, query).toContain(says)
      expect(page.html, query).toContain("data-run-status")
    }
  })
})
