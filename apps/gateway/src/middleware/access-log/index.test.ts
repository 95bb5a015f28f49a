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
      return c.text("fine")
    })
    app.get("/broken", () => {
      throw new GatewayProblem(502, "upstream-error", "Bad gateway")
    })

    await app.request("/ok?token=not-logged", { headers: { "x-request-id": "req-ok" } })
    await app.request("/broken", { headers: { "x-request-id": "req-broken" } })
    const parsed = lines.join("").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(parsed.map((l) => [l.requestId, l.path, l.route, l.status, l.level, l.msg])).toEqual([
      ["req-ok", "/ok", "ok", 200, 30, "request"],
      ["req-broken", "/broken", "unmatched", 502, 40, "request failed"]
    ])
    const text = await metrics.registry.metrics()
    expect(text).toMatch(/fruxkit_gateway_requests_total\{route="ok",method="GET",status="200"\} 1/)
    expect(text).toMatch(/fruxkit_gateway_requests_total\{route="unmatched",method="GET",status="502"\} 1/)
  })
})
