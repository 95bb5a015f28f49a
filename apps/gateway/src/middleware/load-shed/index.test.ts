import { describe, expect, it } from "vitest"
import { middlewareApp } from "../../../test/support/middleware-app.js"
import { loadShed } from "./index.js"

describe("loadShed", () => {
  it("refuses past the cap with 503 + Retry-After, and recovers when calls finish", async () => {
    const shed = loadShed({ max: 2, retryAfterSeconds: 3 })
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const app = middlewareApp()
    app.use("*", shed)
    app.get("/slow", async (c) => {
      await gate
      return c.text("done")
    })
    app.get("/fast", (c) => c.text("fast"))
    const slow = [app.request("/slow"), app.request("/slow")]
    await new Promise((r) => setTimeout(r, 10))
    expect(shed.inFlight()).toBe(2)
    const refused = await app.request("/fast")
    expect(refused.status).toBe(503)
    expect(refused.headers.get("retry-after")).toBe("3")
    expect(refused.headers.get("content-type")).toContain("application/problem+json")
    release()
    expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200])
    expect(shed.inFlight()).toBe(0)
    expect((await app.request("/fast")).status).toBe(200)
  })

  it("does not count exempt requests", async () => {
    const shed = loadShed({ max: 1, exempt: (c) => c.req.path === "/stream" })
    const app = middlewareApp()
    app.use("*", shed)
    app.get("*", (c) => c.text("ok"))
    expect((await app.request("/stream")).status).toBe(200)
    expect(shed.inFlight()).toBe(0)
  })
})

describe("loadShed per key", () => {
  it("one key holds at most maxPerKey slots (429 past it) while another key is still admitted", async () => {
    const shed = loadShed({ max: 10, maxPerKey: 2 })
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const app = middlewareApp()
    app.use("*", async (c, next) => {
      c.set("principal", { id: c.req.header("x-key") ?? "anon", tenants: "*" })
      await next()
    })
    app.use("*", shed)
    app.get("/slow", async (c) => {
      await gate
      return c.text("done")
    })
    app.get("/fast", (c) => c.text("fast"))
    const slow = [app.request("/slow", { headers: { "x-key": "a" } }), app.request("/slow", { headers: { "x-key": "a" } })]
    await new Promise((r) => setTimeout(r, 10))
    const refused = await app.request("/fast", { headers: { "x-key": "a" } })
    expect([refused.status, refused.headers.get("retry-after")]).toEqual([429, "1"])
    expect((await app.request("/fast", { headers: { "x-key": "b" } })).status).toBe(200)
    release()
    expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200])
    expect((await app.request("/fast", { headers: { "x-key": "a" } })).status).toBe(200)
    expect(shed.inFlight()).toBe(0)
  })
})
