/**
 * A request's state (request-context.ts) lives on its own Hono context: made
 * once per request, seen by every middleware and handler of that request,
 * and never by another one — even with requests interleaved across awaits.
 */
import { describe, expect, it } from "vitest"
import { middlewareApp } from "../test/support/middleware-app.js"
import { requestState } from "./request-context.js"

describe("requestState", () => {
  it("is one object per request, shared down the request and apart from every other request's", async () => {
    const app = middlewareApp()
    const seen: Array<unknown> = []
    app.use("*", async (c, next) => {
      const state = requestState(c)
      state.routeName = c.req.query("n")
      seen.push(state)
      await next()
      // Still this request's own after the others ran in between.
      expect(requestState(c)).toBe(state)
    })
    app.get("/", async (c) => {
      await new Promise((resolve) => setTimeout(resolve, Number(c.req.query("n")) * 5))
      return c.text(requestState(c).routeName ?? "none")
    })
    const answers = await Promise.all(["3", "1", "2"].map(async (n) => (await app.request(`/?n=${n}`)).text()))
    expect(answers).toEqual(["3", "1", "2"])
    expect(new Set(seen).size).toBe(3)
  })

  it("starts with nothing recorded", async () => {
    const app = middlewareApp()
    app.get("/", (c) => {
      const state = requestState(c)
      return c.json({ rawBody: state.rawBody ?? null, waitMs: state.waitMs ?? null, answer: state.upstreamAnswer ?? null, later: state.later ?? null })
    })
    expect(await (await app.request("/")).json()).toEqual({ rawBody: null, waitMs: null, answer: null, later: null })
  })
})
