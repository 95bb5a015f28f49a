import { describe, expect, it } from "vitest"
import { middlewareApp, silentLogger } from "../../../test/support/middleware-app.js"
import { requestId, requestIdGenerator, requestIdHeader } from "./index.js"
import { requestState } from "../../request-context.js"

const app = middlewareApp()
app.use("*", requestId({ logger: silentLogger }))
app.get("/", (c) => c.text(requestState(c).requestId, 200, { ...requestIdHeader(c), "x-generated": String(requestState(c).requestIdGenerated) }))

/** What the gateway generates: 128 random bits (base64url), then a count (base 36) — characters the gateway itself accepts back. */
const GENERATED = /^[A-Za-z0-9_-]{22}-[0-9a-z]+$/

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
      expect(id).toMatch(GENERATED)
      expect(res.headers.get("x-generated")).toBe("true")
      expect(res.headers.get("x-request-id")).toBe(id)
    }
  })

  it("generates a fresh id per request", async () => {
    const a = await (await app.request("/")).text()
    const b = await (await app.request("/")).text()
    expect(a).not.toBe(b)
  })

  it("generates ids that are unique within a gateway and across gateways, and that a client may send back", async () => {
    const one = requestIdGenerator()
    const ids = Array.from({ length: 10_000 }, one)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids.slice(0, 3)) expect(id).toMatch(GENERATED)
    // Another gateway (or this one restarted): another random part, so none of its ids is one of these.
    const other = Array.from({ length: 10_000 }, requestIdGenerator())
    const prefixOf = (id: string) => id.slice(0, 22)
    expect(prefixOf(other[0]!)).not.toBe(prefixOf(ids[0]!))
    const seen = new Set(ids)
    expect(other.some((id) => seen.has(id))).toBe(false)
    // A generated id passes the check on a client's id unchanged (a client replaying it keeps it).
    const echoed = await app.request("/", { headers: { "x-request-id": ids[0]! } })
    expect(await echoed.text()).toBe(ids[0])
    expect(echoed.headers.get("x-generated")).toBe("false")
  })
})
