import { describe, expect, it } from "vitest"
import { middlewareApp } from "../../../test/support/middleware-app.js"
import { timeout } from "./index.js"
import type { Deadline } from "../../deadline.js"
import { pipeline } from "../../pipeline.js"
import { toGatewayProblem } from "../../problem.js"
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

  it("under a pipeline that runs kept work (createGateway's): 504 at the deadline from a handler that ignores the signal, every deadline forgotten once answered", async () => {
    const deadlines: Array<Deadline> = []
    const app = middlewareApp()
    const onError = (error: Error) => toGatewayProblem(error).toResponse()
    app.use("*", pipeline([timeout({ ms: 50 }), (c, next) => (deadlines.push(requestState(c).signal!), next())], onError, { runsLater: true }))
    app.get("/slow", async (c) => {
      await new Promise((r) => setTimeout(r, 3000))
      return c.text("late")
    })
    app.get("/fast", (c) => c.text("fast"))
    const started = performance.now()
    const slow = await app.request("/slow")
    expect(slow.status).toBe(504)
    // At the deadline (its sweep: a tenth of it, at least 10 ms), not when the handler would have answered.
    expect(performance.now() - started).toBeLessThan(2000)
    expect((await app.request("/fast")).status).toBe(200)
    expect(deadlines).toHaveLength(2)
    // No sweeper holds either: the one that fired was removed by its sweep, the one answered in time by the kept work.
    expect(deadlines.map((deadline) => [deadline.aborted, deadline.owner])).toEqual([
      [true, undefined],
      [false, undefined]
    ])
  })
})
