import { Route } from "@fruxkit/core"
import { describe, expect, it } from "vitest"
import { middlewareApp } from "../../../test/support/middleware-app.js"
import { routeMatch } from "../route-match/index.js"
import { auth } from "./index.js"
import { requestState } from "../../request-context.js"

const KEY = "demo-key-0123456789abcdef"
const ALL = "all-tenants-key-0123456789"

const app = middlewareApp()
app.use("*", routeMatch({ router: Route.makeRouter() }))
app.use("*", auth({ keys: [{ key: KEY, tenants: ["demo"] }, { key: ALL, tenants: "*" }] }))
app.all("*", (c) => c.json({ principal: requestState(c).principal?.id, authorization: c.req.header("authorization") ?? null }))

const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers })

describe("auth", () => {
  it("401 problem without a key, with a wrong key, or with a non-bearer scheme", async () => {
    for (const headers of [{}, { authorization: `Bearer ${KEY}x` }, { authorization: `Basic ${KEY}` }, { "x-api-key": "short" }]) {
      const res = await get("/v1/tenants/demo/agents", headers)
      expect(res.status).toBe(401)
      expect(res.headers.get("content-type")).toContain("application/problem+json")
      expect(res.headers.get("www-authenticate")).toContain("Bearer")
      expect(await res.text()).not.toContain(KEY)
    }
  })

  it("403 problem for a tenant the key does not grant", async () => {
    const res = await get("/v1/tenants/acme/agents", { authorization: `Bearer ${KEY}` })
    expect(res.status).toBe(403)
    expect(((await res.json()) as { detail: string }).detail).toContain("acme")
  })

  it("accepts Bearer and X-API-Key, and * grants every tenant", async () => {
    expect((await get("/v1/tenants/demo/agents", { authorization: `Bearer ${KEY}` })).status).toBe(200)
    expect((await get("/v1/tenants/demo/agents", { "x-api-key": KEY })).status).toBe(200)
    const all = await get("/v1/tenants/acme/agents", { authorization: `bearer ${ALL}` })
    expect(all.status).toBe(200)
    expect(((await all.json()) as { principal: string }).principal).toBe("key#2")
  })

  it("without keys configured, lets every request through as the client address", async () => {
    const open = middlewareApp()
    open.use("*", auth({ keys: [] }))
    open.get("*", (c) => c.text(requestState(c).principal?.id ?? "(none)"))
    expect(await (await open.request("/v1/tenants/x/agents")).text()).toBe("local")
  })
})
