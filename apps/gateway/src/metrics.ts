/**
 * Prometheus metrics. One registry per gateway instance (tests start several
 * in one process; prom-client's global registry would collide).
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client"

export interface GatewayMetrics {
  readonly registry: Registry
  readonly requests: Counter<"route" | "method" | "status">
  readonly upstreamLatency: TalliedHistogram<"route" | "status">
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

/**
 * The two series every request touches are tallied in plain numbers and
 * handed to the registry when it is scraped: prom-client's own `inc` and
 * `observe` validate and hash the labels on every call, even through a
 * `labels()` child (measured: ~2–3 µs of CPU per proxied request).
 */
/** The tally under these label values in nested maps (made with `create` the first time). */
const tallyAt = <T>(root: Map<unknown, unknown>, keys: ReadonlyArray<unknown>, create: () => T): T => {
  let level = root
  for (let i = 0; i < keys.length - 1; i++) {
    let next = level.get(keys[i]) as Map<unknown, unknown> | undefined
    if (next === undefined) {
      next = new Map()
      level.set(keys[i], next)
    }
    level = next
  }
  const last = keys[keys.length - 1]
  let tally = level.get(last) as T | undefined
  if (tally === undefined) {
    tally = create()
    level.set(last, tally)
  }
  return tally
}

class TalliedCounter<Label extends string> {
  /** Keyed by the label values, nested (no key string is built per call). */
  private readonly tallies = new Map<unknown, unknown>()
  private readonly all: Array<{ readonly labels: Record<Label, string>; count: number }> = []

  constructor(readonly counter: Counter<Label>) {
    const all = this.all
    // prom-client calls `collect` right before it reads the counter's values.
    ;(counter as unknown as { collect: () => void }).collect = function (this: Counter<Label>) {
      this.reset()
      for (const tally of all) this.inc(tally.labels, tally.count)
    }
  }

  /** The tally under three label values when it exists (a known series costs no keys array and no closure). */
  known3(a: unknown, b: unknown, c: unknown): { count: number } | undefined {
    return ((this.tallies.get(a) as Map<unknown, Map<unknown, unknown>> | undefined)?.get(b)?.get(c)) as { count: number } | undefined
  }

  /** Count one for these label values (`keys`, in a fixed order); `labels` names them the first time. */
  inc(keys: ReadonlyArray<unknown>, labels: () => Record<Label, string>): void {
    tallyAt(this.tallies, keys, () => {
      const created = { labels: labels(), count: 0 }
      this.all.push(created)
      return created
    }).count++
  }
}

export interface HistogramTally {
  readonly labels: Record<string, string>
  /** Per bucket (not cumulative), then the +Inf overflow. */
  readonly counts: Array<number>
  sum: number
  count: number
}

/** A histogram in the registry's metric shape, tallied in plain numbers (see TalliedCounter). */
export class TalliedHistogram<Label extends string> {
  readonly type = "histogram"
  readonly aggregator = "sum"
  /** Keyed by the label values, nested (no key string is built per call). */
  private readonly tallies = new Map<unknown, unknown>()
  private readonly all: Array<HistogramTally> = []

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: ReadonlyArray<Label>,
    private readonly buckets: ReadonlyArray<number>,
    registry: Registry
  ) {
    registry.registerMetric(this as unknown as Parameters<Registry["registerMetric"]>[0])
  }

  /** The tally under two label values when it exists (a known series costs no keys array and no closure). */
  known2(a: unknown, b: unknown): HistogramTally | undefined {
    return (this.tallies.get(a) as Map<unknown, unknown> | undefined)?.get(b) as HistogramTally | undefined
  }

  /** Observe a value for these label values (`keys`, in a fixed order); `labels` names them the first time. */
  observe(keys: ReadonlyArray<unknown>, labels: () => Record<Label, string>, value: number): void {
    const tally = tallyAt(this.tallies, keys, () => {
      const created: HistogramTally = { labels: labels(), counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 }
      this.all.push(created)
      return created
    })
    this.add(tally, value)
  }

  /** Add a value to a tally of this histogram. */
  add(tally: HistogramTally, value: number): void {
    let bucket = 0
    while (bucket < this.buckets.length && value > this.buckets[bucket]!) bucket++
    tally.counts[bucket]!++
    tally.sum += value
    tally.count++
  }

  reset(): void {
    this.tallies.clear()
    this.all.length = 0
  }

  /** What prom-client's registry reads when it renders the metric. */
  get(): { name: string; help: string; type: string; aggregator: string; values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> } {
    const values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> = []
    for (const tally of this.all) {
      let cumulative = 0
      this.buckets.forEach((bound, i) => {
        cumulative += tally.counts[i]!
        values.push({ labels: { ...tally.labels, le: bound }, value: cumulative, metricName: `${this.name}_bucket` })
      })
      values.push({ labels: { ...tally.labels, le: "+Inf" }, value: tally.count, metricName: `${this.name}_bucket` })
      values.push({ labels: tally.labels, value: tally.sum, metricName: `${this.name}_sum` })
      values.push({ labels: tally.labels, value: tally.count, metricName: `${this.name}_count` })
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values }
  }
}

/**
 * Label values come only from closed sets — route names from the endpoint
 * table, status digits, these methods, transport error codes — never from
 * what a client sent: a label is kept in memory and shown to anyone who can
 * scrape, so a client-chosen method (or any other free text) would be both
 * a cardinality leak and a place for a secret to surface. Anything else is
 * counted as "other".
 */
const METHOD_LABELS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
export const methodLabel = (method: string): string => (METHOD_LABELS.has(method) ? method : "other")
/** A retry's reason: the status that asked for it, or the transport failure's code (Node/undici codes: `ECONNRESET`, `UND_ERR_SOCKET`). */
export const retryReasonLabel = (reason: string): string => (/^(?:\d{3}|transport|[A-Z][A-Z0-9_]{0,39})$/.test(reason) ? reason : "other")

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
  const requestTallies = new TalliedCounter(requests)
  const upstreamLatency = new TalliedHistogram(
    "fruxkit_gateway_upstream_duration_seconds",
    "Upstream call latency (each attempt), by route and status (0 = transport failure)",
    ["route", "status"],
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registry
  )
  return {
    registry,
    requests,
    upstreamLatency,
    countRequest: (route, method, status) => {
      // Keyed by the label, not the raw method: a stream of invented methods is one series, not one tally each.
      const label = methodLabel(method)
      const known = requestTallies.known3(route, label, status)
      if (known !== undefined) known.count++
      else requestTallies.inc([route, label, status], () => ({ route, method: label, status: String(status) }))
    },
    observeUpstream: (route, status, seconds) => {
      const known = upstreamLatency.known2(route, status)
      if (known !== undefined) upstreamLatency.add(known, seconds)
      else upstreamLatency.observe([route, status], () => ({ route, status: String(status) }), seconds)
    },
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
