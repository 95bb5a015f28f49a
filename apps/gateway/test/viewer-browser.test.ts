/**
 * The web viewer in a real browser: headless Chromium (@sparticuz/chromium,
 * the binary ships in the npm package) driven by puppeteer-core, against a
 * gateway on a loopback socket in front of the embedded backend. The page's
 * numbers are checked against the API's own answers; agent outputs holding
 * HTML and script are shown as text and never run.
 */
import chromium from "@sparticuz/chromium"
import { RunComparison, type EvaluationRun, type EvaluationRunSampleResult } from "@fruxkit/core"
import { mkdtempSync, rmSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import puppeteer, { type Browser, type Page } from "puppeteer-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startLocalBackend } from "../src/upstream/embedded.js"
import { startGateway, type TestGateway } from "./support/gateway-server.js"

// What the functions run inside the page read of the browser (this package compiles without the DOM library).
declare const window: { __samePage?: boolean; __xss?: number; readonly innerWidth: number }
declare const getComputedStyle: (element: unknown) => { readonly overflowX: string; readonly backgroundColor: string }
declare const document: {
  readonly body: unknown
  readonly cookie: string
  readonly documentElement: { readonly scrollWidth: number }
  querySelector(selector: string): { readonly textContent: string | null; readonly value?: number } | null
  querySelectorAll(selector: string): { readonly length: number }
}

const T = "/v1/tenants/demo/agents/support_bot"
const UI = "/ui/t/demo/agents/support_bot"
const KEY = "viewer-key-0123456789abcdef"
const XSS = `<img src=x onerror="window.__xss=1;alert(1)"></script><script>window.__xss=2;alert(2)</script>`

let browser: Browser
let gw: TestGateway
let keyed: TestGateway
let agent: Server
let agentUrl: string
const dirs: Array<string> = []

/** An external agent on loopback: `/xss` answers with markup, `/slow` answers after a pause. */
const startAgent = () =>
  new Promise<void>((resolve) => {
    agent = createServer((req, res) => {
      req.resume()
      req.on("end", () => {
        const reply = () => {
          res.writeHead(200, { "content-type": "application/json" })
          res.end(JSON.stringify({ response: req.url === "/xss" ? XSS : "A slow but complete answer." }))
        }
        if (req.url === "/slow") setTimeout(reply, 700)
        else reply()
      })
    }).listen(0, "127.0.0.1", () => {
      agentUrl = `http://127.0.0.1:${(agent.address() as AddressInfo).port}`
      resolve()
    })
  })

const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "fruxkit-viewer-"))
  dirs.push(dir)
  return dir
}

beforeAll(async () => {
  await startAgent()
  gw = await startGateway(await startLocalBackend(dataDir()), { requestTimeoutMs: 10_000 }, { viewerTenant: "demo" })
  keyed = await startGateway(await startLocalBackend(dataDir()), { apiKeys: [{ key: KEY, tenants: ["demo"] }] })
  browser = await puppeteer.launch({ args: [...chromium.args, "--no-sandbox"], executablePath: await chromium.executablePath(), headless: true })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await gw?.close()
  await keyed?.close()
  await new Promise((resolve) => agent?.close(resolve))
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const api = async <A>(path: string, init?: RequestInit): Promise<A> => {
  const res = await fetch(`${gw.url}${path}`, { ...init, headers: { "content-type": "application/json", ...init?.headers } })
  expect(res.status, `${path}: ${res.status}`).toBeLessThan(300)
  return (await res.json()) as A
}

const evaluate = (body: object) => api<EvaluationRun>(`${T}:evaluate?wait=60s`, { method: "POST", body: JSON.stringify(body) })
const samplesOf = async (run: string) => (await api<{ items: Array<EvaluationRunSampleResult> }>(`${T}/evaluationRuns/${run}/samples?PageSize=1000`)).items

/** A page that fails the test on any dialog (an alert is what an injected script would do). */
const openPage = async (): Promise<{ page: Page; dialogs: Array<string> }> => {
  const page = await browser.newPage()
  await page.setViewport({ width: 1280, height: 800 })
  const dialogs: Array<string> = []
  page.on("dialog", async (dialog) => {
    dialogs.push(dialog.message())
    await dialog.dismiss()
  })
  return { page, dialogs }
}

describe("the web viewer in Chromium", () => {
  let finished: EvaluationRun

  it("shows a finished run's status, recommendation, charts and every sample as the API reports them", async () => {
    finished = await evaluate({ candidateRevision: 2 })
    expect(finished.status).toBe("COMPLETED")
    const samples = await samplesOf(finished.id)
    const { page } = await openPage()
    const res = await page.goto(`${gw.url}${UI}/runs/${finished.id}`)
    expect(res?.status()).toBe(200)
    expect(res?.headers()["content-security-policy"]).toContain("script-src 'self'")
    expect(await page.$eval("[data-run-status]", (e) => e.textContent)).toBe("COMPLETED")
    expect(await page.$eval("[data-recommendation]", (e) => e.textContent)).toBe(finished.deploymentRecommendation)
    const bars = await page.$$eval('[data-chart="Assessments"] [data-bar]', (gs) =>
      Object.fromEntries(gs.map((g) => [g.getAttribute("data-bar"), Number(g.getAttribute("data-value"))]))
    )
    expect(bars).toEqual(finished.summary!.assessmentDistribution)
    const rows = await page.$$eval("table[data-samples] tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-sample")))
    expect(rows).toEqual(samples.map((s) => String(s.sampleIndex)).sort((a, b) => Number(a) - Number(b)))
    // The picture the README shows (written where the test can, not into the tree).
    await page.screenshot({ path: process.env.FRUXKIT_VIEWER_SCREENSHOT ?? join(dataDir(), "viewer-run.png"), fullPage: false })

    // The theme follows the system: a dark page background when the system prefers dark, a light one when light.
    const backgroundLuminance = async () => {
      const [r, g, b] = (await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).match(/\d+(\.\d+)?/g)!.map(Number)
      return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255
    }
    await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "dark" }])
    expect(await backgroundLuminance()).toBeLessThan(0.2)
    await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "light" }])
    expect(await backgroundLuminance()).toBeGreaterThan(0.8)
    await page.emulateMediaFeatures()

    // Filtering narrows the table to what the API's judge said.
    await page.goto(`${gw.url}${UI}/runs/${finished.id}?filter=regressed`)
    const regressed = await page.$$eval("table[data-samples] tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-outcome")))
    expect(regressed.every((o) => o === "regressed")).toBe(true)
    expect(regressed.length).toBe(samples.filter((s) => RunComparison.isRegression(s) && s.llmEvaluation !== null && s.candidateRevisionResult?.status !== "FAILED").length)

    // Sorting by score, high first, orders every row as the API's scores do; a search keeps exactly the
    // samples whose input or outputs hold the text (case-insensitive).
    const rowsOf = () => page.$$eval("table[data-samples] tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-sample")!))
    const scoreOf = (index: string) => samples.find((s) => String(s.sampleIndex) === index)!.llmEvaluation?.score ?? -1
    await page.goto(`${gw.url}${UI}/runs/${finished.id}?sort=score&order=desc`)
    const byScore = (await rowsOf()).map(scoreOf)
    expect(byScore).toHaveLength(samples.length)
    expect(byScore).toEqual([...byScore].sort((a, b) => b - a))
    const needle = "password"
    await page.goto(`${gw.url}${UI}/runs/${finished.id}?q=PassWord`)
    const holding = samples
      .filter((s) => `${JSON.stringify(s.parameters)}\n${s.baseRevisionResult?.response ?? ""}\n${s.candidateRevisionResult?.response ?? ""}`.toLowerCase().includes(needle))
      .map((s) => String(s.sampleIndex))
    expect(holding.length).toBeGreaterThan(0)
    expect(holding.length).toBeLessThan(samples.length)
    expect((await rowsOf()).sort()).toEqual(holding.sort())
    await page.close()
  })

  it("opens a sample with the base and candidate outputs side by side, and j/k + Enter navigate the table", async () => {
    const samples = await samplesOf(finished.id)
    const { page } = await openPage()
    await page.goto(`${gw.url}${UI}/runs/${finished.id}`)
    await page.keyboard.press("j")
    await page.keyboard.press("j")
    await page.keyboard.press("k")
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")])
    expect(page.url()).toMatch(/\/samples\/\d+$/)
    const index = Number(page.url().split("/").at(-1))
    const sample = samples.find((s) => s.sampleIndex === index)!
    const base = await page.$eval('[data-output="base"]', (e) => e.textContent)
    const candidate = await page.$eval('[data-output="candidate"]', (e) => e.textContent)
    expect(base).toBe(sample.baseRevisionResult!.response)
    expect(candidate).toBe(sample.candidateRevisionResult!.response)
    // Esc goes back up to the run.
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Escape")])
    expect(page.url()).toBe(`${gw.url}${UI}/runs/${finished.id}`)
    await page.close()
  })

  it("is usable at a phone's width: the page never scrolls sideways, the sample table scrolls in its own box, the controls are on screen", async () => {
    const { page } = await openPage()
    await page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true })
    const [first] = (await samplesOf(finished.id)).sort((a, b) => a.sampleIndex - b.sampleIndex)
    const onScreen = async (selector: string) => {
      const box = await page.$eval(selector, (e) => {
        const r = e.getBoundingClientRect()
        return { left: r.left, right: r.right, width: r.width }
      })
      expect(box.left, selector).toBeGreaterThanOrEqual(0)
      expect(box.right, selector).toBeLessThanOrEqual(390)
      expect(box.width, selector).toBeGreaterThan(0)
    }
    for (const path of [`${UI}/runs/${finished.id}`, `${UI}/runs/${finished.id}/samples/${first!.sampleIndex}`, `${UI}/datasets/${(await api<Array<{ id: string }>>(`${T}/datasets`))[0]!.id}`]) {
      await page.goto(`${gw.url}${path}`)
      const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }))
      expect(widths, path).toEqual({ page: 390, viewport: 390 })
    }
    await page.goto(`${gw.url}${UI}/runs/${finished.id}`)
    for (const control of ['select[name="filter"]', 'input[name="q"]', 'form[role="search"] button[type="submit"]', "[data-progress-bar]", ".scroll"]) await onScreen(control)
    // The wide table overflows inside its own box, which scrolls; the page does not.
    const table = await page.$eval(".scroll:has(table[data-samples])", (e) => ({ overflow: getComputedStyle(e).overflowX, inner: e.scrollWidth, outer: e.clientWidth }))
    expect(table.overflow).toBe("auto")
    expect(table.outer).toBeLessThanOrEqual(390)
    await page.goto(`${gw.url}${UI}/runs/${finished.id}/samples/${first!.sampleIndex}`)
    for (const output of ['[data-output="base"]', '[data-output="candidate"]', "[data-input]"]) await onScreen(output)
    await page.close()
  })

  it("fills in a running run live from the event stream, without a reload, until it completes", async () => {
    const started = await api<EvaluationRun>(`${T}:evaluate`, {
      method: "POST",
      body: JSON.stringify({ candidateRevision: 2, candidateExternalConfig: { parameters: { endpoint: `${agentUrl}/slow` } } })
    })
    const { page } = await openPage()
    await page.goto(`${gw.url}${UI}/runs/${started.id}`)
    await page.evaluate(() => {
      window.__samePage = true
    })
    // Progress moves while this is still the same document (a reload would drop the marker).
    await page.waitForFunction(
      () => {
        const bar = document.querySelector("progress[data-progress-bar]")
        const value = bar?.value ?? 0
        return window.__samePage === true && value > 0 && value < 100
      },
      { timeout: 45_000 }
    )
    // At the end the page loads the finished run once: status and rows from the server.
    await page.waitForFunction(() => document.querySelector("[data-run-status]")?.textContent === "COMPLETED" && document.querySelectorAll("table[data-samples] tbody tr").length > 0, {
      timeout: 60_000
    })
    const run = await api<EvaluationRun>(`${T}/evaluationRuns/${started.id}`)
    expect(run.status).toBe("COMPLETED")
    expect(await page.$$eval("table[data-samples] tbody tr", (trs) => trs.length)).toBe(run.summary!.totalSamples)
    await page.close()
  }, 120_000)

  it("compares two runs per sample as core's RunComparison does, flips first", async () => {
    const other = await evaluate({ candidateRevision: 1 })
    const expected = RunComparison.compareRuns(
      { run: finished, samples: await samplesOf(finished.id) },
      { run: other, samples: await samplesOf(other.id) }
    )
    const { page } = await openPage()
    await page.goto(`${gw.url}${UI}/compare?base=${finished.id}&head=${other.id}`)
    const summary = await page.$eval("[data-compare-summary]", (e) => e.textContent)
    expect(summary).toBe(`${expected.summary.improved} improved · ${expected.summary.regressed} regressed · ${expected.summary.unchanged} unchanged`)
    const flips = await page.$$eval("table[data-compare] tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-flipped")))
    expect(flips.length).toBe(expected.samples.length)
    expect(flips.indexOf("false") === -1 || flips.slice(flips.indexOf("false")).every((f) => f === "false")).toBe(true)
    // The agent page lists both runs and charts the completed ones.
    await page.goto(`${gw.url}${UI}`)
    const listed = await page.$$eval("tr[data-run]", (trs) => trs.map((tr) => tr.getAttribute("data-run")))
    expect(listed).toEqual(expect.arrayContaining([finished.id, other.id]))
    await page.close()
  })

  it("shows an agent's HTML and script as text: nothing injected runs or renders", async () => {
    const run = await evaluate({ candidateRevision: 2, candidateExternalConfig: { parameters: { endpoint: `${agentUrl}/xss` } } })
    const [first] = (await samplesOf(run.id)).sort((a, b) => a.sampleIndex - b.sampleIndex)
    const { page, dialogs } = await openPage()
    for (const path of [`${UI}/runs/${run.id}?q=${encodeURIComponent("<script>")}`, `${UI}/runs/${run.id}`, `${UI}/runs/${run.id}/samples/${first!.sampleIndex}`]) {
      await page.goto(`${gw.url}${path}`)
      expect(await page.evaluate(() => window.__xss)).toBeUndefined()
      expect(await page.$$('img[src="x"]')).toHaveLength(0)
    }
    expect(await page.$eval('[data-output="candidate"]', (e) => e.textContent)).toBe(XSS)
    expect(dialogs).toEqual([])
    await page.close()
  })

  it("asks for the gateway key once when keys are configured, keeps it HttpOnly, and refuses a wrong one", async () => {
    const { page } = await openPage()
    await page.goto(`${keyed.url}/ui/t/demo`)
    expect(page.url()).toContain("/ui/login")
    await page.type('input[name="key"]', "not-the-key")
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')])
    expect(await page.$eval("[data-login-error]", (e) => e.textContent)).toContain("not valid")
    await page.type('input[name="key"]', KEY)
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')])
    expect(page.url()).toBe(`${keyed.url}/ui/t/demo`)
    expect(await page.$$eval("table a", (as) => as.map((a) => a.textContent))).toContain("support_bot")
    const cookies = await page.cookies()
    const cookie = cookies.find((c) => c.name === "fruxkit_viewer_key")!
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/ui" })
    expect(await page.evaluate(() => document.cookie)).toBe("")
    await page.close()
  })

  it("curates an execution into a dataset from its page and removes it again after a confirmation; cross-origin posts are refused and change nothing", async () => {
    const executed = await api<{ executionRecordId: string }>(`${T}:execute`, { method: "POST", body: JSON.stringify({ parameters: { question: "Where is my parcel?" } }) })
    const execution = executed.executionRecordId
    const datasets = await api<Array<{ id: string; name: string }>>(`${T}/datasets`)
    const golden = datasets.find((d) => d.name === "golden")!
    const goldenSamples = async () => (await api<{ items: Array<{ executionId: string | null }> }>(`${T}/datasets/${golden.id}/samples?PageSize=1000`)).items
    const before = await goldenSamples()
    const curatedPath = `${UI}/executions/${execution}/datasets`

    // Another origin (another loopback port) posting the viewer's form, as a malicious page would.
    const attacker = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" })
      res.end(`<form method="post" action="${gw.url}${curatedPath}"><input name="dataset" value="${golden.id}"><input name="tags" value="csrf"><button type="submit">go</button></form>`)
    })
    await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve))
    const { page } = await openPage()
    try {
      await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`)
      const [refused] = await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')])
      expect(refused?.status()).toBe(403)
      // Without Origin or Referer (a non-browser client) it is refused too.
      const bare = await fetch(`${gw.url}${curatedPath}`, { method: "POST", body: new URLSearchParams({ dataset: golden.id }) })
      expect(bare.status).toBe(403)
      expect(await goldenSamples()).toHaveLength(before.length)
      expect(await api<Array<unknown>>(`${T}/executionRecords/${execution}/samples`)).toEqual([])
    } finally {
      await new Promise((resolve) => attacker.close(resolve))
    }

    // From the agent page to the execution list to the execution, then the form.
    await page.goto(`${gw.url}${UI}`)
    await Promise.all([page.waitForNavigation(), page.click("[data-executions-link]")])
    await Promise.all([page.waitForNavigation(), page.click(`tr[data-execution="${execution}"] a`)])
    expect(page.url()).toBe(`${gw.url}${UI}/executions/${execution}`)
    expect(await page.$eval("[data-input]", (e) => e.textContent)).toContain("Where is my parcel?")
    expect(await page.$eval("[data-execution-status]", (e) => e.textContent)).toBe("COMPLETED")
    expect(await page.$$("details.step")).not.toHaveLength(0)
    await page.click(`input[name="dataset"][value="${golden.id}"]`)
    await page.select('select[name="quality"]', "GOOD")
    await page.type('input[name="tags"]', "from-viewer, parcel")
    await Promise.all([page.waitForNavigation(), page.click('form[data-curate] button[type="submit"]')])
    expect(page.url()).toBe(`${gw.url}${UI}/executions/${execution}?added=1`)
    expect(await page.$eval("[data-notice]", (e) => e.textContent)).toBe("Added to 1 dataset.")
    expect(await page.$eval("[data-existing]", (e) => e.textContent)).toContain("golden · GOOD · from-viewer, parcel")

    const after = await goldenSamples()
    expect(after).toHaveLength(before.length + 1)
    expect(after.filter((s) => s.executionId === execution)).toHaveLength(1)
    await page.goto(`${gw.url}${UI}/datasets/${golden.id}`)
    const rows = await page.$$eval("table tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)))
    expect(rows.filter((cells) => cells[2] === "GOOD" && cells[3] === "from-viewer, parcel")).toHaveLength(1)
    expect(rows.filter((cells) => cells[3] === "csrf")).toHaveLength(0)

    // Removing its samples: a confirmation page first (nothing removed by reaching it), then the POST.
    await page.goto(`${gw.url}${UI}/executions/${execution}`)
    await Promise.all([page.waitForNavigation(), page.click("[data-remove-link]")])
    expect(await page.$eval("[data-doomed]", (e) => e.textContent)).toBe("golden · GOOD")
    expect(await goldenSamples()).toHaveLength(before.length + 1)
    const crossSite = await fetch(`${gw.url}${UI}/executions/${execution}/remove`, { method: "POST", headers: { origin: "http://127.0.0.2:9" } })
    expect(crossSite.status).toBe(403)
    expect(await goldenSamples()).toHaveLength(before.length + 1)
    await Promise.all([page.waitForNavigation(), page.click('form[data-remove] button[type="submit"]')])
    expect(await page.$eval("[data-notice]", (e) => e.textContent)).toBe("Removed 1 sample.")
    expect(await api<Array<unknown>>(`${T}/executionRecords/${execution}/samples`)).toEqual([])
    expect(await goldenSamples()).toHaveLength(before.length)
    expect(await page.$$("[data-remove-link]")).toHaveLength(0)
    await page.close()
  })

  it("edits a curated sample's tags and deletes one sample from its dataset's page (the execution's samples are re-created)", async () => {
    const { executionRecordId: execution } = await api<{ executionRecordId: string }>(`${T}:execute`, { method: "POST", body: JSON.stringify({ parameters: { question: "Can I pay by invoice?" } }) })
    const golden = (await api<Array<{ id: string; name: string }>>(`${T}/datasets`)).find((d) => d.name === "golden")!
    const other = await api<{ id: string }>(`${T}/datasets`, { method: "POST", body: JSON.stringify({ name: "edited-in-browser" }) })
    const add = (datasetId: string, quality: string, tags: Array<string>) =>
      api(`${T}/executionRecords/${execution}:addToDatasets`, { method: "POST", body: JSON.stringify({ datasetIds: [datasetId], quality, tags }) })
    await add(golden.id, "GOOD", ["invoice"])
    await add(other.id, "BAD", ["old"])
    type Sample = { id: string; datasetId: string; quality: string; tags: Array<string> }
    const samplesNow = () => api<Array<Sample>>(`${T}/executionRecords/${execution}/samples`)
    const shapes = (samples: Array<Sample>) => samples.map((s) => `${s.datasetId === golden.id ? "golden" : "other"} ${s.quality} ${s.tags.join(",")}`).sort()
    const before = await samplesNow()

    const { page } = await openPage()
    await page.goto(`${gw.url}${UI}/datasets/${golden.id}`)
    await Promise.all([page.waitForNavigation(), page.click(`tr[data-sample-id="${before.find((s) => s.datasetId === golden.id)!.id}"] a`)])
    expect(await page.$eval("[data-recreated-note]", (e) => e.textContent)).toContain("new ids")
    await page.click('form[data-edit-tags] input[name="tags"]', { clickCount: 3 })
    await page.keyboard.press("Backspace")
    await page.type('form[data-edit-tags] input[name="tags"]', "invoice, checked")
    await Promise.all([page.waitForNavigation(), page.click('form[data-edit-tags] button[type="submit"]')])
    expect(page.url()).toBe(`${gw.url}${UI}/datasets/${golden.id}?changed=tags`)
    expect(await page.$eval("[data-notice]", (e) => e.textContent)).toContain("Tags saved.")
    const edited = await samplesNow()
    expect(shapes(edited)).toEqual(["golden GOOD invoice,checked", "other BAD old"])
    expect(edited.some((s) => before.some((b) => b.id === s.id))).toBe(false)
    const goldenId = edited.find((s) => s.datasetId === golden.id)!.id
    expect(await page.$eval(`tr[data-sample-id="${goldenId}"]`, (tr) => tr.querySelectorAll("td")[3]?.textContent)).toBe("invoice, checked")

    // Deleting the other one: the golden sample stays, tags and all.
    await page.goto(`${gw.url}${UI}/datasets/${other.id}`)
    await Promise.all([page.waitForNavigation(), page.click(`tr[data-sample-id="${edited.find((s) => s.datasetId === other.id)!.id}"] a`)])
    await Promise.all([page.waitForNavigation(), page.click('form[data-delete-sample] button[type="submit"]')])
    expect(page.url()).toBe(`${gw.url}${UI}/datasets/${other.id}?changed=deleted`)
    expect(await page.$eval("[data-notice]", (e) => e.textContent)).toContain("Sample deleted.")
    expect(shapes(await samplesNow())).toEqual(["golden GOOD invoice,checked"])
    expect(await page.$$("tr[data-sample-id]")).toHaveLength(0)
    await page.close()
  })
})
