/**
 * /docs in a real browser (headless Chromium from @sparticuz/chromium, driven
 * by puppeteer-core) against a gateway on a loopback socket: Swagger UI
 * renders the gateway's OpenAPI document — every endpoint of the table, the
 * custom-method paths literal — and every request the page makes goes to the
 * gateway itself (no CDN, nothing from elsewhere).
 */
import chromium from "@sparticuz/chromium"
import { allEndpoints } from "@fruxkit/core"
import puppeteer, { type Browser } from "puppeteer-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createRemoteUpstream } from "../src/upstream/remote.js"
import { startGateway, type TestGateway } from "./support/gateway-server.js"

declare const document: { querySelectorAll(selector: string): { readonly length: number }; readonly body: { readonly innerText: string } }

let browser: Browser
let gw: TestGateway

beforeAll(async () => {
  // The page never needs the upstream: an address nothing listens on.
  gw = await startGateway(createRemoteUpstream({ url: "http://127.0.0.1:9", token: "upstream-token-docs-0123456789" }))
  browser = await puppeteer.launch({ args: [...chromium.args, "--no-sandbox"], executablePath: await chromium.executablePath(), headless: true })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await gw?.close()
})

describe("/docs in a browser", () => {
  it("renders every endpoint of the document, loading everything from the gateway", async () => {
    const page = await browser.newPage()
    const requested: Array<string> = []
    page.on("request", (request) => void requested.push(request.url()))
    await page.goto(`${gw.url}/docs`, { waitUntil: "networkidle0", timeout: 60_000 })
    await page.waitForFunction(() => document.querySelectorAll(".opblock").length > 0, { timeout: 60_000 })
    const operations = await page.evaluate(() => document.querySelectorAll(".opblock").length)
    // The table's endpoints, the event stream and the five operations routes.
    expect(operations).toBe(allEndpoints.length + 1 + 5)
    const text = await page.evaluate(() => document.body.innerText)
    expect(text).toContain("/v1/tenants/{tenant}/agents/{agent}/executionRecords/{executionRecord}:addToDatasets")
    expect(requested.length).toBeGreaterThanOrEqual(4)
    expect(requested.filter((url) => !url.startsWith(`${gw.url}/`))).toEqual([])
    expect(requested).toEqual(expect.arrayContaining([`${gw.url}/openapi.json`, `${gw.url}/docs/assets/swagger-ui-dist/swagger-ui-bundle.js`]))
    await page.close()
  }, 120_000)
})
