/**
 * /metrics never shows a secret (issue 21): through the real gateway over
 * loopback, in front of the embedded backend, secret-shaped values go into
 * every place a label could be taken from — path segments (tenant, agent,
 * run), the method, credentials, Idempotency-Key, X-Request-Id, the query,
 * and a body holding a value under every key core's one secret rule
 * (`Secrets.SECRET_KEY_NAMES`) names — and the scrape is searched for each,
 * and every label value is checked to come from a closed set.
 */
import { allEndpoints, Secrets } from "@fruxkit/core"
import { mkdtempSync, rmSync } from "node:fs"
import { connect } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startLocalBackend } from "../src/upstream/embedded.js"
import { startGateway, type TestGateway } from "./support/gateway-server.js"

const KEY = "metric-labels-key-0123456789abcdef"
const secret = (where: string) => `sk-live-${where}-Q7x9ZmT4`

let gw: TestGateway
let dataDir: string

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "fruxkit-metric-labels-"))
  gw = await startGateway(await startLocalBackend(dataDir), { apiKeys: [{ key: KEY, tenants: "*" }] })
}, 60_000)
afterAll(async () => {
  await gw?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

/** One raw HTTP/1.1 request on a fresh socket (for a method no client library sends). */
const rawRequest = (url: string, head: string) =>
  new Promise<string>((resolve, reject) => {
    const { port } = new URL(url)
    const socket = connect(Number(port), "127.0.0.1", () => socket.end(head))
    let text = ""
    socket.on("data", (chunk) => (text += chunk.toString()))
    socket.on("close", () => resolve(text))
    socket.on("error", reject)
  })

describe("metric labels", () => {
  it("hold no value a client sent: secrets in paths, methods, headers, query and body never reach /metrics", async () => {
    const placed: Array<string> = []
    const put = (where: string) => {
      const value = secret(where)
      placed.push(value)
      return value
    }
    const auth = { authorization: `Bearer ${KEY}`, "content-type": "application/json" }
    const parameters = Object.fromEntries(Secrets.SECRET_KEY_NAMES.map((name) => [name, put(`param-${name}`)]))
    const requests: Array<[string, RequestInit]> = [
      [`/v1/tenants/${put("tenant")}/agents/support_bot`, { headers: auth }],
      [`/v1/tenants/demo/agents/${put("agent")}`, { headers: auth }],
      [`/v1/tenants/demo/agents/support_bot/evaluationRuns/${put("run")}`, { headers: auth }],
      [`/v1/${put("unrouted")}/x`, { headers: auth }],
      [`/v1/tenants/demo/agents/support_bot`, { headers: { authorization: `Bearer ${put("bearer")}` } }],
      [`/v1/tenants/demo/agents/support_bot`, { headers: { "x-api-key": put("x-api-key") } }],
      [`/v1/tenants/demo/agents/support_bot?${put("query-name")}=${put("query-value")}&wait=${put("wait")}`, { headers: auth }],
      [
        `/v1/tenants/demo/agents/support_bot:evaluate`,
        {
          method: "POST",
          headers: { ...auth, "idempotency-key": put("idempotency-key"), "x-request-id": put("request-id"), cookie: `s=${put("cookie")}` },
          body: JSON.stringify({ candidateExternalConfig: { type: "http", parameters: { endpoint: `http://u:${put("userinfo")}@127.0.0.1:9/`, ...parameters } } })
        }
      ],
      [`/ui/${put("viewer-path")}`, {}]
    ]
    for (const [path, init] of requests) {
      const res = await fetch(gw.url + path, init)
      await res.arrayBuffer()
    }
    // A method no client library sends: over a socket (the HTTP parser's view) and in-process (the app's).
    const method = put("METHOD").replace(/[^A-Za-z0-9]/g, "").toUpperCase()
    placed.push(method)
    await rawRequest(gw.url, `${method} /v1/tenants/demo/agents HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
    await (await gw.gateway.app.request("/v1/tenants/demo/agents", { method, headers: auth })).arrayBuffer()

    const scrape = await (await fetch(`${gw.url}/metrics`)).text()
    expect(scrape).toContain("fruxkit_gateway_requests_total")
    for (const value of placed) expect(scrape, value).not.toContain(value)
    expect(scrape).not.toContain("Q7x9ZmT4")

    // Every label value comes from a closed set.
    const routes = new Set([...allEndpoints.map((e) => e.name), "unmatched", "healthz", "readyz", "metrics", "openapi", "docs", "evaluationRunEvents"])
    const seen = new Map<string, Set<string>>()
    for (const [, name, value] of scrape.matchAll(/([a-z_]+)="([^"]*)"/g)) {
      if (!seen.has(name!)) seen.set(name!, new Set())
      seen.get(name!)!.add(value!)
    }
    expect([...seen.get("method") ?? []].sort()).toEqual(["GET", "POST", "other"])
    for (const route of seen.get("route") ?? []) expect(routes.has(route), route).toBe(true)
    for (const status of seen.get("status") ?? []) expect(status).toMatch(/^\d{1,3}$/)
    for (const [name, values] of seen) {
      for (const value of values) {
        expect(Secrets.isSecretKey(name), name).toBe(false)
        expect(Secrets.redactText(value)).toBe(value)
        expect(value.length, `${name}="${value}"`).toBeLessThanOrEqual(64)
      }
    }
  }, 60_000)
})
