/**
 * Prometheus metrics. One registry per gateway instance (tests start several
 * in one process; prom-client's global registry would collide).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client"

export interface GatewayMetrics {
  readonly registry: Registry
  readonly requests: Counter<"route" | "method" | "status">
  readonly upstreamLatency: Histogram<"route" | "status">
  readonly upstreamRetries: Counter<"route" | "reason">
  readonly activePollers: Gauge
  readonly activeStreams: Gauge
  readonly upstreamPolls: Counter<"route">
  readonly shed: Counter
  readonly rateLimited: Counter
  readonly idempotentReplays: Counter
  /** Hot-path shorthands: the labelled child is looked up once per label set, not hashed per call. */
  readonly countRequest: (route: string, method: string, status: number) => void
  readonly observeUpstream: (route: string, status: number, seconds: number) => void
}

const memoized = <Child>(make: (key: string) => Child) => {
  const children = new Map<string, Child>()
  return (key: string): Child => {
    let child = children.get(key)
    if (child === undefined) {
      child = make(key)
      children.set(key, child)
    }
    return child
  }
}

export const createMetrics = (options: { readonly defaultMetrics?: boolean } = {}): GatewayMetrics => {
  const registry = new Registry()
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "fruxkit_gateway_" })
  const registers = [registry]
  const requests = new Counter({
      name: "fruxkit_gateway_requests_total",
      help: "Requests answered, by route (endpoint name) and status",
      labelNames: ["route", "method", "status"],
      registers
    })
  const upstreamLatency = new Histogram({
      name: "fruxkit_gateway_upstream_duration_seconds",
      help: "Upstream call latency (each attempt), by route and status (0 = transport failure)",
      labelNames: ["route", "status"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers
    })
  const requestChild = memoized((key) => {
    const [route, method, status] = key.split(" ")
    return requests.labels({ route: route!, method: method!, status: status! })
  })
  const latencyChild = memoized((key) => {
    const [route, status] = key.split(" ")
    return upstreamLatency.labels({ route: route!, status: status! })
  })
  return {
    registry,
    requests,
    upstreamLatency,
    countRequest: (route, method, status) => requestChild(`${route} ${method} ${status}`).inc(),
    observeUpstream: (route, status, seconds) => latencyChild(`${route} ${status}`).observe(seconds),
    upstreamRetries: new Counter({
      name: "fruxkit_gateway_upstream_retries_total",
      help: "Upstream calls retried under core's retry policy, by route and reason",
      labelNames: ["route", "reason"],
      registers
    }),
    activePollers: new Gauge({
      name: "fruxkit_gateway_active_run_pollers",
      help: "Shared upstream pollers running (one per evaluation run being waited on)",
      registers
    }),
    activeStreams: new Gauge({
      name: "fruxkit_gateway_active_event_streams",
      help: "Open Server-Sent Event streams",
      registers
    }),
    upstreamPolls: new Counter({
      name: "fruxkit_gateway_run_polls_total",
      help: "Upstream reads made by shared run pollers",
      labelNames: ["route"],
      registers
    }),
    shed: new Counter({
      name: "fruxkit_gateway_shed_total",
      help: "Requests refused with 503 because the upstream concurrency cap was reached",
      registers
    }),
    rateLimited: new Counter({
      name: "fruxkit_gateway_rate_limited_total",
      help: "Requests refused with 429 by the per-key rate limit",
      registers
    }),
    idempotentReplays: new Counter({
      name: "fruxkit_gateway_idempotent_replays_total",
      help: "Creating calls answered from the idempotency store instead of upstream",
      registers
    })
  }
}
