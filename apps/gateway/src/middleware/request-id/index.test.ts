import { describe, expect, it } from "vitest"
import { middlewareApp, silentLogger } from "../../../test/support/middleware-app.js"
import { requestId, requestIdHeader } from "./index.js"
import { requestState } from "../../request-context.js"

const app = middlewareApp()
app.use("*", requestId({ logger: silentLogger }))
app.get("/", (c) => c.text(requestState(c).requestId, 200, { ...requestIdHeader(c), "x-generated": String(requestState(c).requestIdGenerated) }))

describe("requestId", () => {
  it("keeps a well-formed client id and returns it", async () => {
    const res = await app.request("/", { headers: { "x-request-id": "abc-123" } })
    expect(await res.text()).toBe("abc-123")
    expect(res.headers.get("x-request-id")).toBe("abc-123")
    // The client's id: its log line searches it for secrets like any client text.
    expect(res.headers.get("x-generated")).toBe("false")
  })

  it("replaces an id that could forge log lines or bloat them", async () => {
    for (const bad of ["has space", "x".repeat(200), "a\u0007b"]) {
      const res = await app.request("/", { headers: { "x-request-id": bad } })
      const id = await res.text()
      expect(id).not.toBe(bad)
      expect(id).toMatch(/^[0-9a-f-]{36}$/)
      expect(res.headers.get("x-generated")).toBe("true")
      expect(res.headers.get("x-request-id")).toBe(id)
    }
  })

  it("generates a fresh id per request", async () => {
    const a = await (await app.request("/")).text()
    const b = await (await app.request("/")).text()
    expect(a).not.toBe(b)
  })
})
