/**
 * What one process's evaluation workers did, for `/metrics` (Prometheus text
 * format; the gateway appends it to its own). Plain numbers, rendered on
 * scrape: the hot path only adds. The queue's depth is not counted here — it
 * is the database's, read at scrape time (EvaluationRunRepository.queueDepth).
 */

/** Fixed buckets (upper bounds, seconds); counts per bucket, made cumulative when rendered. */
class Histogram {
  private readonly counts: Array<number>
  private sum = 0
  private count = 0

  constructor(private readonly bounds: ReadonlyArray<number>) {
    this.counts = new Array(bounds.length + 1).fill(0)
  }

  observe(seconds: number): void {
    let at = 0
    while (at < this.bounds.length && seconds > this.bounds[at]!) at++
    this.counts[at]!++
    this.sum += seconds
    this.count++
  }

  render(name: string, labels: string): Array<string> {
    const lines: Array<string> = []
    let cumulative = 0
    const sep = labels === "" ? "" : ","
    this.bounds.forEach((bound, i) => {
      cumulative += this.counts[i]!
      lines.push(`${name}_bucket{${labels}${sep}le="${bound}"} ${cumulative}`)
    })
    lines.push(`${name}_bucket{${labels}${sep}le="+Inf"} ${this.count}`)
    lines.push(`${name}_sum${labels === "" ? "" : `{${labels}}`} ${this.sum}`)
    lines.push(`${name}_count${labels === "" ? "" : `{${labels}}`} ${this.count}`)
    return lines
  }
}

const CPU_BOUNDS = [0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.1]
const LATENCY_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

export interface QueueDepth {
  /** Samples of active runs with no result and no live lease: waiting for a worker. */
  readonly waiting: number
  /** Samples of active runs leased by a live worker and not yet stored. */
  readonly leased: number
}

export class EvaluationMetrics {
  claims = 0
  samplesClaimed = 0
  /** Samples this process took over after another worker's lease lapsed (a worker died or stalled). */
  leaseExpiries = 0
  samplesJudged = 0
  private readonly cpu = new Histogram(CPU_BOUNDS)
  private readonly latency = { base: new Histogram(LATENCY_BOUNDS), candidate: new Histogram(LATENCY_BOUNDS) }
  private lastCpu = process.cpuUsage()

  constructor(readonly worker: string) {}

  claimed(samples: number, takenOver: number): void {
    this.claims++
    this.samplesClaimed += samples
    this.leaseExpiries += takenOver
  }

  /** A sample's two executions (the agent calls of base and candidate), in milliseconds. */
  executed(baseMs: number, candidateMs: number): void {
    this.latency.base.observe(baseMs / 1000)
    this.latency.candidate.observe(candidateMs / 1000)
  }

  /**
   * `samples` results were just committed together: the process's CPU since
   * the previous commit, shared evenly, is each one's CPU. Process-wide (it
   * includes the HTTP side when requests arrive meanwhile), which is what a
   * judged sample costs this process.
   */
  committed(samples: number): void {
    if (samples <= 0) return
    const used = process.cpuUsage(this.lastCpu)
    this.lastCpu = process.cpuUsage()
    const each = (used.user + used.system) / 1e6 / samples
    for (let i = 0; i < samples; i++) this.cpu.observe(each)
    this.samplesJudged += samples
  }

  render(queue: QueueDepth | undefined): string {
    const worker = `worker="${this.worker}"`
    const lines = [
      "# HELP fruxkit_evaluation_claims_total Claim statements this worker made (each leases up to its free slots).",
      "# TYPE fruxkit_evaluation_claims_total counter",
      `fruxkit_evaluation_claims_total{${worker}} ${this.claims}`,
      "# HELP fruxkit_evaluation_samples_claimed_total Samples this worker leased.",
      "# TYPE fruxkit_evaluation_samples_claimed_total counter",
      `fruxkit_evaluation_samples_claimed_total{${worker}} ${this.samplesClaimed}`,
      "# HELP fruxkit_evaluation_lease_expiries_total Samples this worker took over after another worker's lease lapsed.",
      "# TYPE fruxkit_evaluation_lease_expiries_total counter",
      `fruxkit_evaluation_lease_expiries_total{${worker}} ${this.leaseExpiries}`,
      "# HELP fruxkit_evaluation_samples_judged_total Samples whose result this worker committed.",
      "# TYPE fruxkit_evaluation_samples_judged_total counter",
      `fruxkit_evaluation_samples_judged_total{${worker}} ${this.samplesJudged}`,
      "# HELP fruxkit_evaluation_sample_cpu_seconds This process's CPU per judged sample (measured per group commit).",
      "# TYPE fruxkit_evaluation_sample_cpu_seconds histogram",
      ...this.cpu.render("fruxkit_evaluation_sample_cpu_seconds", worker),
      "# HELP fruxkit_evaluation_agent_latency_seconds How long a sample's base and candidate executions took (the agent calls).",
      "# TYPE fruxkit_evaluation_agent_latency_seconds histogram",
      ...this.latency.base.render("fruxkit_evaluation_agent_latency_seconds", `${worker},side="base"`),
      ...this.latency.candidate.render("fruxkit_evaluation_agent_latency_seconds", `${worker},side="candidate"`)
    ]
    if (queue) {
      lines.push(
        "# HELP fruxkit_evaluation_queue_depth Samples of active persisted runs by state: waiting for a worker, or leased.",
        "# TYPE fruxkit_evaluation_queue_depth gauge",
        `fruxkit_evaluation_queue_depth{state="waiting"} ${queue.waiting}`,
        `fruxkit_evaluation_queue_depth{state="leased"} ${queue.leased}`
      )
    }
    return `${lines.join("\n")}\n`
  }
}
