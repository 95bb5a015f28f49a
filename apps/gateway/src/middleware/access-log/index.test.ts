import { describe, expect, it } from "vitest"
import { middlewareApp } from "../../../test/support/middleware-app.js"
import { createLogger } from "../../logger.js"
import { createMetrics } from "../../metrics.js"
import { GatewayProblem } from "../../problem.js"
import { requestId } from "../request-id/index.js"
import { accessLog } from "./index.js"
import { requestState } from "../../request-context.js"

describe("accessLog", () => {
  it("writes one line and counts one request per answer, errors included, with the status the client got", async () => {
    const lines: Array<string> = []
    const logger = createLogger({ level: "info", secrets: [], destination: { write: (line: string) => void lines.push(line) } })
    const metrics = createMetrics({ defaultMetrics: false })
    const app = middlewareApp()
    app.use(requestId({ logger }))
    app.use(accessLog({ metrics, logger }))
    app.get("/ok", (c) => {
      requestState(c).routeName = "ok"
      requestState(c).principal = { id: "key#7", tenants: "*" }
      return c.text("fine")
    })
    app.get("/broken", () => {
      throw new GatewayProblem(502, "upstream-error", "Bad gateway")
    })

    await app.request("/ok?token=not-logged", { headers: { "x-request-id": "req-ok" } })
    await app.request("/broken", { headers: { "x-request-id": "req-broken" } })
    await app.request("/ok")
    const parsed = lines.join("").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(parsed.map((l) => [l.requestId, l.path, l.route, l.status, l.level, l.msg, l.principal])).toEqual([
      ["req-ok", "/ok", "ok", 200, 30, "request", "key#7"],
      // One line object is filled for every request: nothing of the line before stays (no principal here).
      ["req-broken", "/broken", "unmatched", 502, 40, "request failed", undefined],
      [parsed[2]!.requestId, "/ok", "ok", 200, 30, "request", "key#7"]
    ])
    // Every field, in pino's order (the writer's own test compares it with pino's line byte for byte).
    expect(Object.keys(parsed[0]!)).toEqual(["level", "time", "service", "requestId", "method", "path", "route", "status", "durationMs", "principal", "msg"])
    expect(Object.keys(parsed[1]!)).not.toContain("principal")
    expect(parsed[2]!.requestId).not.toBe("req-ok")
    for (const l of parsed) expect(typeof l.durationMs === "number" && l.durationMs >= 0).toBe(true)
    const text = await metrics.registry.metrics()
    expect(text).toMatch(/fruxkit_gateway_requests_total\{route="ok",method="GET",status="200"\} 2/)
    expect(text).toMatch(/fruxkit_gateway_requests_total\{route="unmatched",method="GET",status="502"\} 1/)
  })
})
