import type { Server } from "node:http"
import type { AddressInfo } from "node:net"
import { serve } from "@hono/node-server"
import { waitFor } from "@fruxkit/testkit"
import { afterEach, describe, expect, it } from "vitest"
import type { Context } from "hono"
import type { GatewayEnv } from "../../env.js"
import { middlewareApp } from "../../../test/support/middleware-app.js"
import { longRequestCap, type LongRequestCap } from "./index.js"
import { requestState } from "../../request-context.js"

/** An app whose caller is named by `x-key`, with the cap in front of a held `?wait` route, an endless event stream, and a plain route. */
const appWith = (cap: LongRequestCap) => {
  const gates: Array<() => void> = []
  const app = middlewareApp()
  app.use("*", async (c, next) => {
    requestState(c).principal = { id: c.req.header("x-key") ?? "anon", tenants: "*" }
    await next()
  })
  app.use("*", cap)
  app.get("/wait", async (c) => {
    if (c.req.query("fail") !== undefined) throw new Error("the handler failed")
    await new Promise<void>((resolve) => gates.push(resolve))
    return c.text("waited")
  })
  app.get("/events", () => {
    const body = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(new TextEncoder().encode(": open\n\n")) })
    return new Response(body, { headers: { "content-type": "text/event-stream" } })
  })
  app.get("/plain", (c) => c.text("plain"))
  return { app, releaseWaits: () => gates.splice(0).forEach((release) => release()) }
}

const options = (caps: { streams?: [number, number]; waits?: [number, number] }) =>
  longRequestCap({
    streams: { max: caps.streams?.[0] ?? 10, maxPerKey: caps.streams?.[1] ?? 10 },
    waits: { max: caps.waits?.[0] ?? 10, maxPerKey: caps.waits?.[1] ?? 10 },
    isStream: (c: Context<GatewayEnv>) => c.req.path === "/events",
    isWait: (c: Context<GatewayEnv>) => c.req.path === "/wait",
    retryAfterSeconds: 2
  })

const as = (key: string) => ({ headers: { "x-key": key } })

describe("longRequestCap: waiting requests (app.request)", () => {
  it("refuses a key past its cap with 429 + Retry-After while another key is admitted; the global cap holds for everyone; all released after", async () => {
    const cap = options({ waits: [3, 2] })
    const { app, releaseWaits } = appWith(cap)
    const held = [app.request("/wait", as("a")), app.request("/wait", as("a"))]
    await waitFor(() => cap.open().waits === 2, { what: "two waits held" })

    const overKey = await app.request("/wait", as("a"))
    expect([overKey.status, overKey.headers.get("retry-after")]).toEqual([429, "2"])
    expect(overKey.headers.get("content-type")).toContain("application/problem+json")
    expect(((await overKey.json()) as { detail: string }).detail).toContain("this caller holds its cap of 2")
    // Requests that are not long are never counted or refused.
    expect((await app.request("/plain", as("a"))).status).toBe(200)

    held.push(app.request("/wait", as("b")))
    await waitFor(() => cap.open().waits === 3, { what: "the other key's wait held" })
    const overAll = await app.request("/wait", as("c"))
    expect(overAll.status).toBe(429)
    expect(((await overAll.json()) as { detail: string }).detail).toContain("the gateway holds its cap of 3")

    releaseWaits()
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200, 200])
    expect(cap.open()).toEqual({ streams: 0, waits: 0 })
  })

  it("releases a wait whose handler throws", async () => {
    const cap = options({ waits: [1, 1] })
    const { app } = appWith(cap)
    expect((await app.request("/wait?fail", as("a"))).status).toBe(500)
    expect(cap.open().waits).toBe(0)
  })

  it("checks its caps once, when built", () => {
    expect(() => options({ streams: [0, 1] })).toThrow(/event streams caps must be ≥ 1/)
    expect(() => options({ waits: [1, 0] })).toThrow(/waiting requests caps must be ≥ 1/)
  })
})

describe("longRequestCap: event streams (real loopback)", () => {
  let server: Server | undefined
  afterEach(async () => {
    server?.closeAllConnections()
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
    server = undefined
  })

  it("counts a stream until its response ends, not until its handler returns: a client leaving frees the slot", async () => {
    const cap = options({ streams: [10, 1] })
    const { app } = appWith(cap)
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }) as Server
    await new Promise<void>((resolve) => server!.once("listening", () => resolve()))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

    const first = new AbortController()
    const open = await fetch(`${base}/events`, { ...as("a"), signal: first.signal })
    expect(open.status).toBe(200)
    const reader = open.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(": open\n\n")
    expect(cap.open().streams).toBe(1)

    const second = await fetch(`${base}/events`, as("a"))
    expect([second.status, second.headers.get("retry-after")]).toEqual([429, "2"])
    await second.arrayBuffer()

    first.abort()
    await waitFor(() => cap.open().streams === 0, { what: "the stream's slot to be freed when its client left" })
    const again = new AbortController()
    const reopened = await fetch(`${base}/events`, { ...as("a"), signal: again.signal })
    expect(reopened.status).toBe(200)
    again.abort()
  })
})
