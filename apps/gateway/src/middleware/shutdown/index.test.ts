import { describe, expect, it } from "vitest"
import { middlewareApp } from "../../../test/support/middleware-app.js"
import { shutdown, ShutdownState } from "./index.js"

describe("shutdown", () => {
  it("counts requests in flight; once shutting down refuses API calls with 503 + Retry-After and asks every client to close", async () => {
    const state = new ShutdownState()
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const app = middlewareApp()
    app.use(shutdown({ state, refuse: (c) => c.req.path.startsWith("/v1/") }))
    app.get("/v1/slow", async (c) => {
      await gate
      return c.text("done")
    })
    app.get("*", (c) => c.text("ok"))

    const slow = app.request("/v1/slow")
    await new Promise((r) => setTimeout(r, 10))
    expect(state.inFlight).toBe(1)
    expect((await app.request("/v1/fast")).headers.get("connection")).toBeNull()

    state.shuttingDown = true
    const refused = await app.request("/v1/fast")
    expect(refused.status).toBe(503)
    expect(refused.headers.get("retry-after")).toBe("1")
    expect(refused.headers.get("content-type")).toContain("application/problem+json")
    const ops = await app.request("/healthz")
    expect(ops.status).toBe(200)
    expect(ops.headers.get("connection")).toBe("close")

    release()
    const finished = await slow
    expect(finished.status).toBe(200)
    expect(finished.headers.get("connection")).toBe("close")
    expect(state.inFlight).toBe(0)
  })
})
