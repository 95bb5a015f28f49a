import { describe, expect, it } from "vitest"
import { middlewareApp } from "../../../test/support/middleware-app.js"
import { timeout } from "./index.js"
import { requestState } from "../../request-context.js"

describe("timeout", () => {
  it("answers 504 problem and aborts the handler's signal when the deadline passes", async () => {
    let aborted = false
    const app = middlewareApp()
    app.use("*", timeout({ ms: 50 }))
    app.get("/", async (c) => {
      requestState(c).signal!.addEventListener("abort", () => (aborted = true))
      await new Promise((r) => setTimeout(r, 300))
      return c.text("late")
    })
    const res = await app.request("/")
    expect(res.status).toBe(504)
    expect(res.headers.get("content-type")).toContain("application/problem+json")
    expect(aborted).toBe(true)
  })

  it("adds the extension to the budget, and null means no deadline", async () => {
    const app = middlewareApp()
    app.use("*", timeout({ ms: 20, extend: (c) => (c.req.path === "/stream" ? null : 200) }))
    app.get("*", async (c) => {
      await new Promise((r) => setTimeout(r, 80))
      return c.text(String(requestState(c).signal === undefined))
    })
    expect((await app.request("/wait")).status).toBe(200)
    expect(await (await app.request("/stream")).text()).toBe("true")
  })
})
