/**
 * Gateway benchmarks (`pnpm --filter @fruxkit/gateway bench`).
 *
 * One upstream on loopback, the same load against: (1) the upstream
 * directly, (2) a minimal undici pass-through proxy (the baseline), (3) the
 * gateway (dist/main.js, the build `pnpm start` runs; remote mode, default config except the per-key rate
 * limit, which is off so it does not cap the measurement; its default log
 * level writes an access line per request to stdout, a pipe this process
 * drains), (4) the same gateway with LOG_LEVEL=warn (no access lines: the
 * baseline logs nothing), and (5) with BENCH_COMPARE_WITH=<another build's
 * dist/main.js>, that build with the default config (an A/B in one run). Each server is its own process; autocannon drives
 * them from this one.
 *
 * The machine is shared (autocannon, the upstream and the proxy, plus other
 * work), so throughput swings from round to round; rounds are interleaved
 * and the median shown. CPU time per request of each proxy process (from
 * /proc, user + system, all threads) is reported too: it is what the
 * proxies' throughput ratio comes from, and it is much steadier.
 *
 * Two loads per endpoint: saturating (throughput, and the latency that
 * comes with it) and sequential requests on one connection (latency without
 * queueing, in microseconds: "added latency" is then per-request overhead). Then: 200 clients waiting on
 * one run through the gateway vs 200 independent core pollers.
 */
import autocannon from "autocannon"
import { spawn, type ChildProcess } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { createFruxonClient } from "@fruxkit/core"
import { Pool } from "undici"

const ROOT = fileURLToPath(new URL("..", import.meta.url))
const DURATION = Number(process.env.BENCH_DURATION ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32)
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 3000)

const children: Array<ChildProcess> = []

/** CPU time (user + system, all threads) a process has used, in µs; undefined without /proc. */
const cpuMicros = (pid: number | undefined): number | undefined => {
  if (pid === undefined) return undefined
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100 // clock ticks (USER_HZ = 100)
  } catch {
    return undefined
  }
}

/** A bench helper (TypeScript, run through tsx) or the built gateway (`dist/main.js`, as `pnpm start` runs it). */
const startProcess = (
  script: string,
  args: Array<string>,
  env: Record<string, string>,
  ready: RegExp
): Promise<{ readonly found: string; readonly pid: number | undefined }> =>
  new Promise((resolve, reject) => {
    const loader = script.endsWith(".ts") ? ["--conditions=development", "--import", "tsx"] : []
    const child = spawn(process.execPath, [...loader, script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    children.push(child)
    let seen = ""
    const onData = (data: Buffer) => {
      seen += data.toString()
      const match = ready.exec(seen)
      if (!match) return
      // Ready: from here on output is drained unread (the gateway logs every request).
      child.stdout!.off("data", onData)
      child.stderr!.off("data", onData)
      child.stdout!.resume()
      child.stderr!.resume()
      resolve({ found: match[1]!, pid: child.pid })
    }
    child.stdout!.on("data", onData)
    child.stderr!.on("data", onData)
    child.on("exit", (code) => reject(new Error(`${script} exited (${code}): ${seen.slice(0, 500)}`)))
  })

interface Load {
  readonly name: string
  readonly method: "GET" | "POST"
  readonly path: string
  readonly body?: string
}

const loads: Array<Load> = [
  { name: "GET agent", method: "GET", path: "/v1/tenants/demo/agents/support_bot" },
  {
    name: "POST :addToDatasets",
    method: "POST",
    path: "/v1/tenants/demo/agents/support_bot/executionRecords/33333333-3333-4333-8333-333333333333:addToDatasets",
    body: JSON.stringify({ datasetIds: ["11111111-1111-4111-8111-111111111111"], quality: "GOOD", tags: ["bench"] })
  }
]

interface Measured {
  readonly rps: number
  /** CPU µs the target's process used per request answered (undefined for targets not measured). */
  readonly cpu?: number | undefined
  readonly p50: number
  readonly p99: number
  readonly errors: number
  readonly non2xx: number
}

const measure = async (base: string, load: Load, options: { duration: number; connections: number; pid?: number | undefined }): Promise<Measured> => {
  const cpuBefore = cpuMicros(options.pid)
  const result = await autocannon({
    url: base + load.path,
    method: load.method,
    connections: options.connections,
    duration: options.duration,
    headers: { "content-type": "application/json" },
    ...(load.body ? { body: load.body } : {})
  })
  const cpuAfter = cpuMicros(options.pid)
  const answered = (result.requests as { total?: number }).total ?? 0
  return {
    cpu: cpuBefore !== undefined && cpuAfter !== undefined && answered > 0 ? (cpuAfter - cpuBefore) / answered : undefined,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx
  }
}

const fmt = (n: number, digits = 2) => n.toFixed(digits)
/** A difference with its sign: "+0.038", "−0.762" (one that rounds to zero is "+0.000"). */
const signed = (n: number, digits = 2) => {
  const size = Math.abs(n).toFixed(digits)
  return `${n < 0 && Number(size) !== 0 ? "−" : "+"}${size}`
}

/**
 * Unloaded latency with microsecond resolution (autocannon reports whole
 * milliseconds): one keep-alive connection, requests one after another.
 */
const sequentialLatency = async (base: string, load: Load, count: number): Promise<{ p50: number; p99: number }> => {
  const pool = new Pool(base, { connections: 1 })
  const samples: Array<number> = []
  try {
    for (let i = 0; i < count + 200; i++) {
      const started = process.hrtime.bigint()
      const answer = await pool.request({
        method: load.method,
        path: load.path,
        headers: { "content-type": "application/json" },
        body: load.body ?? null
      })
      await answer.body.arrayBuffer()
      if (i >= 200) samples.push(Number(process.hrtime.bigint() - started) / 1e6)
    }
  } finally {
    await pool.close()
  }
  samples.sort((a, b) => a - b)
  return { p50: samples[Math.floor(samples.length * 0.5)]!, p99: samples[Math.floor(samples.length * 0.99)]! }
}

const pollComparison = async (upstream: string, gateway: string, clients: number) => {
  const tenantPath = "/v1/tenants/demo/agents/support_bot/evaluationRuns"
  const newRun = async () =>
    ((await (await fetch(`${upstream}/bench/runs`, { method: "POST", body: JSON.stringify({ steps: 8, stepMs: 1000 }) })).json()) as { id: string }).id
  const polls = async (id: string) => ((await (await fetch(`${upstream}/bench/runs/${id}/polls`)).json()) as { polls: number }).polls

  // Through the gateway: every client long-polls (?wait=30s, If-None-Match) until the run ends.
  const shared = await newRun()
  const t0 = Date.now()
  await Promise.all(
    Array.from({ length: clients }, async () => {
      let etag: string | undefined
      for (;;) {
        const res = await fetch(`${gateway}${tenantPath}/${shared}?wait=30s`, { headers: etag ? { "if-none-match": etag } : {} })
        etag = res.headers.get("etag") ?? undefined
        const run = (await res.json()) as { status: string }
        if (run.status === "COMPLETED") return
      }
    })
  )
  const sharedMs = Date.now() - t0
  const sharedPolls = await polls(shared)

  // Without it: each client runs core's own poller against the upstream.
  const independent = await newRun()
  const pollers = Array.from({ length: clients }, () => createFruxonClient({ baseUrl: upstream, retry: { maxAttempts: 1 } }))
  const t1 = Date.now()
  await Promise.all(
    pollers.map((client) => client.awaitEvaluationRun({ tenant: "demo", agent: "support_bot", evaluationRun: independent }))
  )
  const independentMs = Date.now() - t1
  await Promise.all(pollers.map((client) => client.close()))
  return { sharedPolls, sharedMs, independentPolls: await polls(independent), independentMs }
}

const main = async () => {
  if (!existsSync(`${ROOT}dist/main.js`)) {
    throw new Error("the gateway is not built: run `pnpm bench` at the root (it builds first), or `pnpm --filter @fruxkit/gateway... build`")
  }
  const upstreamStarted = await startProcess("bench/upstream.ts", [], {}, /(\{"port":\d+\})/)
  const upstream = `http://127.0.0.1:${JSON.parse(upstreamStarted.found).port as number}`
  const baselineStarted = await startProcess("bench/baseline-proxy.ts", [upstream], {}, /(\{"port":\d+\})/)
  const baseline = `http://127.0.0.1:${JSON.parse(baselineStarted.found).port as number}`
  const startGateway = (env: Record<string, string>, main = "dist/main.js") =>
    startProcess(
      main,
      ["--port", "0"],
      {
        FRUXON_API_URL: upstream,
        FRUXON_API_TOKEN: "bench-token-0123456789",
        FRUXKIT_RATE_LIMIT: "0",
        FRUXKIT_MAX_UPSTREAM_CONCURRENCY: "1024",
        ...env
      },
      /listening on (http:\/\/\S+)/
    )
  const gatewayStarted = await startGateway({})
  const quietStarted = await startGateway({ LOG_LEVEL: "warn" })
  const gateway = gatewayStarted.found
  const targets: Record<string, string> = { direct: upstream, baseline, gateway, "gw-warn": quietStarted.found }
  const pids: Record<string, number | undefined> = {
    baseline: baselineStarted.pid,
    gateway: gatewayStarted.pid,
    "gw-warn": quietStarted.pid
  }
  // An A/B in the same run: another build of the gateway (its dist/main.js), default config.
  const other = process.env.BENCH_COMPARE_WITH
  if (other !== undefined) {
    const otherStarted = await startGateway({}, other)
    targets["gw-other"] = otherStarted.found
    pids["gw-other"] = otherStarted.pid
  }

  console.log(
    "targets: direct = the upstream; baseline = minimal undici pass-through proxy; gateway = default config (access line per request);\n" +
      "gw-warn = the gateway with LOG_LEVEL=warn (no access lines); cpu = CPU µs the proxy process used per request (median round)\n"
  )
  console.log(
    `fruxkit gateway bench — ${ROUNDS} interleaved rounds of ${DURATION}s saturating runs (${CONNECTIONS} connections, median shown), ${SEQUENTIAL} sequential requests for latency`
  )
  console.log(`load average at start: ${(await import("node:os")).loadavg().map((l) => l.toFixed(1)).join(" ")}`)
  console.log(`node ${process.version}, ${(await import("node:os")).cpus().length} CPUs\n`)

  for (const load of loads) {
    // Warm-up: JIT, connection pools.
    for (const base of Object.values(targets)) await measure(base, load, { duration: 2, connections: CONNECTIONS })
    // Interleaved rounds, median per target: the machine is shared, and a
    // burst of someone else's work should not land on one target only.
    const rounds: Record<string, Array<Measured>> = Object.fromEntries(Object.keys(targets).map((name) => [name, []]))
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, base] of Object.entries(targets)) {
        rounds[name]!.push(await measure(base, load, { duration: DURATION, connections: CONNECTIONS, pid: pids[name] }))
      }
    }
    const median = (values: Array<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
    const saturated: Record<string, Measured> = {}
    const cpu: Record<string, number | undefined> = {}
    for (const [name, results] of Object.entries(rounds)) {
      const sorted = [...results].sort((a, b) => a.rps - b.rps)
      saturated[name] = sorted[Math.floor(sorted.length / 2)]!
      const cpus = results.flatMap((r) => (r.cpu === undefined ? [] : [r.cpu]))
      cpu[name] = cpus.length > 0 ? median(cpus) : undefined
    }
    // Ratio per round (each gateway round against the baseline round just before it), then the median.
    const roundRatios = (name: string) => median(rounds[name]!.map((r, i) => r.rps / rounds.baseline![i]!.rps))
    const fixed: Record<string, Measured> = {}
    for (const [name, base] of Object.entries(targets)) {
      fixed[name] = { ...(await sequentialLatency(base, load, SEQUENTIAL)), rps: 0, errors: 0, non2xx: 0 }
    }
    console.log(`## ${load.name}`)
    console.log("target    | req/s (sat.) | p50 / p99 ms (sat.) | p50 / p99 ms (sequential) | cpu µs/req | errors / non-2xx")
    for (const name of Object.keys(targets)) {
      const s = saturated[name]!
      const f = fixed[name]!
      const c = cpu[name]
      console.log(
        `${name.padEnd(9)} | ${fmt(s.rps, 0).padStart(12)} | ${`${fmt(s.p50)} / ${fmt(s.p99)}`.padStart(19)} | ${`${fmt(f.p50, 3)} / ${fmt(f.p99, 3)}`.padStart(25)} | ${(c === undefined ? "–" : fmt(c, 1)).padStart(10)} | ${s.errors} / ${s.non2xx}`
      )
    }
    const b = saturated.baseline!
    const bf = fixed.baseline!
    const df = fixed.direct!
    for (const name of ["gateway", "gw-warn", ...(other !== undefined ? ["gw-other"] : [])]) {
      const g = saturated[name]!
      const gf = fixed[name]!
      console.log(
        `${name} ÷ baseline throughput: ${fmt(g.rps / b.rps)} of the medians, ${fmt(roundRatios(name))} median per round (target ≥ 0.85); ` +
          `CPU per request ${cpu[name] === undefined || cpu.baseline === undefined ? "–" : `${fmt(cpu[name]! / cpu.baseline!, 2)}× the baseline's`}`
      )
      console.log(
        `  added latency, sequential — vs baseline: p50 ${signed(gf.p50 - bf.p50, 3)} ms, p99 ${signed(gf.p99 - bf.p99, 3)} ms; vs direct: p50 ${signed(gf.p50 - df.p50, 3)} ms, p99 ${signed(gf.p99 - df.p99, 3)} ms (target ≤ 1 ms p50)`
      )
      console.log(`  added latency saturated — vs baseline: p50 ${signed(g.p50 - b.p50)} ms, p99 ${signed(g.p99 - b.p99)} ms`)
    }
    console.log("")
  }

  const clients = Number(process.env.BENCH_WAITERS ?? 200)
  const polls = await pollComparison(upstream, gateway, clients)
  console.log(`## ${clients} clients waiting on one run (8 progress steps over 8 s)`)
  console.log(`through the gateway (long-poll ?wait): ${polls.sharedPolls} upstream polls, all done in ${polls.sharedMs} ms`)
  console.log(`${clients} independent core pollers:       ${polls.independentPolls} upstream polls, all done in ${polls.independentMs} ms`)
  console.log(`→ ${fmt(polls.independentPolls / Math.max(1, polls.sharedPolls), 1)}× fewer upstream polls through the gateway`)
}

main()
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(() => {
    for (const child of children) child.kill("SIGTERM")
  })
