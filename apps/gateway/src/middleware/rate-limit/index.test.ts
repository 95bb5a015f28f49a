import { describe, expect, it } from "vitest"
import { middlewareApp } from "../../../test/support/middleware-app.js"
import { rateLimit } from "./index.js"
import { requestState } from "../../request-context.js"

const make = (perSecond: number, burst: number, now: () => number, shared?: (id: string) => Promise<number>) => {
  const app = middlewareApp()
  app.use("*", async (c, next) => {
    requestState(c).principal = { id: c.req.header("x-who") ?? "a", tenants: "*" }
    await next()
  })
  app.use("*", rateLimit({ perSecond, burst, now, shared }))
  app.get("*", (c) => c.text("ok"))
  return app
}

describe("rateLimit", () => {
  it("allows a burst, then 429 with the Retry-After that refills a token", async () => {
    let t = 0
    const app = make(2, 3, () => t)
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await app.request("/")).status)
    expect(statuses).toEqual([200, 200, 200, 429])
    const limited = await app.request("/")
    expect(limited.headers.get("retry-after")).toBe("1")
    expect(limited.headers.get("content-type")).toContain("application/problem+json")
    t = 500 // half a second refills one token at 2/s
    expect((await app.request("/")).status).toBe(200)
    expect((await app.request("/")).status).toBe(429)
  })

  it("asks the shared bucket when there is one, and falls back to its own when that fails", async () => {
    const asked: Array<string> = []
    let sharedWait = 0
    const app = make(1, 1, () => 0, async (id) => {
      asked.push(id)
      if (sharedWait < 0) throw new Error("database down")
      return sharedWait
    })
    expect((await app.request("/", { headers: { "x-who": "k" } })).status).toBe(200)
    expect((await app.request("/", { headers: { "x-who": "k" } })).status).toBe(200)
    sharedWait = 2.5
    const limited = await app.request("/", { headers: { "x-who": "k" } })
    expect(limited.status).toBe(429)
    expect(limited.headers.get("retry-after")).toBe("3")
    expect(asked).toEqual(["k", "k", "k"])
    sharedWait = -1
    // The shared bucket is unreachable: this process's own bucket (1 token) decides.
    expect((await app.request("/", { headers: { "x-who": "k" } })).status).toBe(200)
    expect((await app.request("/", { headers: { "x-who": "k" } })).status).toBe(429)
  })

  it("keeps one bucket per principal", async () => {
    const app = make(1, 1, () => 0)
    expect((await app.request("/", { headers: { "x-who": "a" } })).status).toBe(200)
    expect((await app.request("/", { headers: { "x-who": "a" } })).status).toBe(429)
    expect((await app.request("/", { headers: { "x-who": "b" } })).status).toBe(200)
  })

  it("is off at 0 per second, and refuses nonsense options at once", async () => {
    const app = make(0, 1, () => 0)
    for (let i = 0; i < 5; i++) expect((await app.request("/")).status).toBe(200)
    expect(() => rateLimit({ perSecond: 1, burst: 0 })).toThrow()
  })
})
