import { describe, expect, it } from "vitest"
import { createMetrics } from "./metrics.js"

describe("metrics tallied in plain numbers", () => {
  it("requests_total counts per label set, rendered at scrape time", async () => {
    const metrics = createMetrics({ defaultMetrics: false })
    metrics.countRequest("listAgents", "GET", 200)
    metrics.countRequest("listAgents", "GET", 200)
    metrics.countRequest("listAgents", "GET", 404)
    const text = await metrics.registry.metrics()
    expect(text).toContain('fruxkit_gateway_requests_total{route="listAgents",method="GET",status="200"} 2')
    expect(text).toContain('fruxkit_gateway_requests_total{route="listAgents",method="GET",status="404"} 1')
    // A second scrape reports the same totals (collect rebuilds, never adds twice).
    metrics.countRequest("listAgents", "GET", 200)
    expect(await metrics.registry.metrics()).toContain('fruxkit_gateway_requests_total{route="listAgents",method="GET",status="200"} 3')
  })

  it("upstream latency is a Prometheus histogram: cumulative buckets, +Inf, sum and count", async () => {
    const metrics = createMetrics({ defaultMetrics: false })
    for (const seconds of [0.0005, 0.002, 0.002, 0.3, 40]) metrics.observeUpstream("getEvaluationRun", 200, seconds)
    metrics.observeUpstream("getEvaluationRun", 0, 0.01)
    const text = await metrics.registry.metrics()
    const line = (labels: string) => new RegExp(`^fruxkit_gateway_upstream_duration_seconds${labels} (\\S+)$`, "m").exec(text)?.[1]
    expect(text).toContain("# TYPE fruxkit_gateway_upstream_duration_seconds histogram")
    expect(line('_bucket\\{route="getEvaluationRun",status="200",le="0.001"\\}')).toBe("1")
    expect(line('_bucket\\{route="getEvaluationRun",status="200",le="0.0025"\\}')).toBe("3")
    expect(line('_bucket\\{route="getEvaluationRun",status="200",le="0.25"\\}')).toBe("3")
    expect(line('_bucket\\{route="getEvaluationRun",status="200",le="0.5"\\}')).toBe("4")
    expect(line('_bucket\\{route="getEvaluationRun",status="200",le="30"\\}')).toBe("4")
    expect(line('_bucket\\{route="getEvaluationRun",status="200",le="\\+Inf"\\}')).toBe("5")
    expect(Number(line('_sum\\{route="getEvaluationRun",status="200"\\}'))).toBeCloseTo(40.3045, 6)
    expect(line('_count\\{route="getEvaluationRun",status="200"\\}')).toBe("5")
    expect(line('_count\\{route="getEvaluationRun",status="0"\\}')).toBe("1")
    metrics.registry.resetMetrics()
    expect(await metrics.registry.metrics()).not.toContain("upstream_duration_seconds_count")
  })
})
