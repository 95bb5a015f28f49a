/**
 * Overload in embedded mode (`pnpm --filter @fruxkit/gateway bench:overload`):
 * is the latency of the requests the gateway serves bounded at twice the
 * rate it can serve?
 *
 * For each configuration — "shed at once" (the default: a cap of 256
 * in-flight calls, no queue deadline) and a cap sized for the in-process
 * backend with a queue deadline (32, 250 ms) — one
 * gateway process on the embedded backend (SQLite, demo data):
 *
 * 1. saturation: closed loop, 32 requests always in flight, for DURATION s:
 *    the rate it serves (C) and its latency;
 * 2. overload: an open loop at 2 × C for DURATION s (requests sent on a
 *    schedule whatever the answers, as independent clients do), latency
 *    measured from when each request was due, so a request waiting for a
 *    connection or in the kernel's backlog counts: served (2xx) p50/p99,
 *    refused (429/503) and whether each carried Retry-After.
 *
 * The load: `GET …/executionRecords?PageSize=10` (a SQLite read, a page
 * encoded). Everything runs on one machine: report `uptime` with the figures.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Pool } from "undici"

const ROOT = fileURLToPath(new URL("..", import.meta.url))
const DURATION = Number(process.env.BENCH_DURATION ?? 8)
/** The overload phase's rate as a multiple of the saturated one (the case: 2). */
const FACTOR = Number(process.env.BENCH_FACTOR ?? 2)
const PATH = "/v1/tenants/demo/agents/support_bot/executionRecords?PageSize=10"
const children: Array<ChildProcess> = []

const startGateway = (dataDir: string, env: Record<string, string>): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=development", "--import", "tsx", "src/main.ts", "--port", "0"], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: "warn", FRUXKIT_RATE_LIMIT: "0", FRUXKIT_DATA_DIR: dataDir, ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    children.push(child)
    let seen = ""
    const onData = (data: Buffer) => {
      seen += data.toString()
      const match = /listening on (http:\/\/\S+)/.exec(seen)
      if (!match) return
      child.stdout!.off("data", onData)
      child.stderr!.off("data", onData)
      child.stdout!.resume()
      child.stderr!.resume()
      resolve(match[1]!)
    }
    child.stdout!.on("data", onData)
    child.stderr!.on("data", onData)
    child.on("exit", (code) => reject(new Error(`gateway exited (${code}): ${seen.slice(0, 500)}`)))
  })

const percentile = (sorted: ReadonlyArray<number>, p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!)

interface Tally {
  served: Array<number>
  refused: number
  refusedWithRetryAfter: number
  other: number
  errors: number
}

const send = async (pool: Pool, due: number, tally: Tally) => {
  try {
    const answer = await pool.request({ method: "GET", path: PATH })
    await answer.body.arrayBuffer()
    const ms = performance.now() - due
    if (answer.statusCode < 300) tally.served.push(ms)
    else if (answer.statusCode === 429 || answer.statusCode === 503) {
      tally.refused++
      if (answer.headers["retry-after"] !== undefined) tally.refusedWithRetryAfter++
    } else tally.other++
  } catch {
    tally.errors++
  }
}

const newTally = (): Tally => ({ served: [], refused: 0, refusedWithRetryAfter: 0, other: 0, errors: 0 })

/** Closed loop: `concurrency` requests always in flight for `seconds`. */
const saturate = async (base: string, concurrency: number, seconds: number) => {
  const pool = new Pool(base, { connections: concurrency })
  const tally = newTally()
  const end = performance.now() + seconds * 1000
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) await send(pool, performance.now(), tally)
    })
  )
  await pool.close()
  return { rate: tally.served.length / seconds, tally }
}

/** Open loop: `rate` requests a second, due on a fixed schedule, for `seconds`. */
const overload = async (base: string, rate: number, seconds: number) => {
  const pool = new Pool(base, { connections: 1024 })
  const tally = newTally()
  const started = performance.now()
  const total = Math.round(rate * seconds)
  const inFlight: Array<Promise<void>> = []
  let sent = 0
  while (sent < total) {
    const now = performance.now()
    // Every request whose time has come is sent now, stamped with when it was due.
    while (sent < total && started + (sent * 1000) / rate <= now) {
      inFlight.push(send(pool, started + (sent * 1000) / rate, tally))
      sent++
    }
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  await Promise.all(inFlight)
  await pool.close()
  return tally
}

const fmt = (n: number) => (Number.isNaN(n) ? "—" : n >= 100 ? n.toFixed(0) : n.toFixed(1))

const main = async () => {
  const configurations: Array<[string, Record<string, string>]> = [
    ["shed at once (the default: cap 256, no queue deadline)", {}],
    ["cap 32, queue deadline 250 ms", { FRUXKIT_MAX_UPSTREAM_CONCURRENCY: "32", FRUXKIT_QUEUE_DEADLINE: "250ms" }]
  ]
  console.log(`fruxkit gateway overload bench — embedded (SQLite), GET ${PATH}, ${DURATION}s per phase; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`)
  console.log(`| configuration | saturated rate C | saturated p99 | offered at ${FACTOR}×C | served /s | served p50 | served p99 | refused (with Retry-After) | other | errors |`)
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
  for (const [name, env] of configurations) {
    const dataDir = mkdtempSync(join(tmpdir(), "fruxkit-overload-"))
    try {
      const base = await startGateway(dataDir, env)
      await saturate(base, 8, 2) // warm-up
      const saturated = await saturate(base, 32, DURATION)
      const sorted = saturated.tally.served.sort((a, b) => a - b)
      const offered = saturated.rate * FACTOR
      const over = await overload(base, offered, DURATION)
      const served = over.served.sort((a, b) => a - b)
      console.log(
        `| ${name} | ${fmt(saturated.rate)}/s | ${fmt(percentile(sorted, 0.99))} ms | ${fmt(offered)}/s | ${fmt(served.length / DURATION)} | ` +
          `${fmt(percentile(served, 0.5))} ms | ${fmt(percentile(served, 0.99))} ms | ${over.refused} (${over.refusedWithRetryAfter}) | ${over.other} | ${over.errors} |`
      )
    } finally {
      for (const child of children.splice(0)) child.kill("SIGKILL")
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(" ")}`)
}

main().catch((error) => {
  for (const child of children) child.kill("SIGKILL")
  console.error(error)
  process.exit(1)
})
