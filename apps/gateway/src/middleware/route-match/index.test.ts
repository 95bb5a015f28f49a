import { describe, expect, it } from "vitest"
import { router } from "../../routes.js"
import { middlewareApp } from "../../../test/support/middleware-app.js"
import { requireMatched, routeMatch } from "./index.js"

const app = middlewareApp()
app.use("*", routeMatch({ router }))
app.all("*", (c) => {
  const match = requireMatched(c)
  return c.json({ name: match.endpoint.name, params: match.params })
})

const T = "/v1/tenants/demo/agents"

describe("routeMatch", () => {
  it("routes custom methods literally", async () => {
    expect(await (await app.request(`${T}/a1:evaluate`, { method: "POST" })).json()).toEqual({
      name: "evaluate",
      params: { tenant: "demo", agent: "a1" }
    })
    const wrongMethod = await app.request(`${T}/a1:evaluate`)
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.headers.get("allow")).toBe("POST")
    // Never agent "a1:evaluate".
    expect(await (await app.request(`${T}/a1`)).json()).toMatchObject({ name: "getAgent", params: { agent: "a1" } })
  })

  it("routes the gateway's run events extension", async () => {
    expect(await (await app.request(`${T}/a1/evaluationRuns/r1/events`)).json()).toMatchObject({ name: "evaluationRunEvents" })
  })

  it("404 for unknown paths and 400 for broken percent-encoding", async () => {
    expect((await app.request(`${T}/a1/nothing`)).status).toBe(404)
    expect((await app.request(`${T}/%E0%A4%A`)).status).toBe(400)
  })
})

describe("routeMatch memo", () => {
  it("answers a repeated path from memory and stays bounded", async () => {
    let calls = 0
    const counting = { match: (method: string, path: string) => (calls++, router.match(method, path)) }
    const memoApp = middlewareApp()
    memoApp.use("*", routeMatch({ router: counting, memoSize: 2 }))
    memoApp.all("*", (c) => c.text(requireMatched(c).endpoint.name))
    expect(await (await memoApp.request(`${T}/a1`)).text()).toBe("getAgent")
    expect(await (await memoApp.request(`${T}/a1`)).text()).toBe("getAgent")
    expect(calls).toBe(1)
    await memoApp.request(`${T}/a2`)
    await memoApp.request(`${T}/a3`)
    await memoApp.request(`${T}/a1`)
    expect(calls).toBe(4)
  })
})
