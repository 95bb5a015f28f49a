/**
 * Start time of the scriptable binary (issue 16: within 5× `node -e ""`):
 * `fruxkit runs --agent support_bot --json` on a fresh embedded data dir
 * (the store created from the prebuilt demo database, the API answered, the
 * process exits), the same on a data dir that already exists, and
 * `fruxkit --version` — each against `node -e ""` measured in the same run,
 * interleaved round by round so a burst of other work hits all of them.
 *
 * Two figures per command, both as ratios to `node -e ""`:
 * - CPU time (user + system) of the process, read by a preloaded one-line
 *   reporter (`bench/report-cpu.cjs`, the same for the baseline) as it exits.
 *   On a machine shared with other work this is the fair figure: it counts
 *   what the process did, not how long it waited for a core.
 * - wall time, spawn to exit, which also counts waiting (for a core, for the
 *   disk).
 * Mean and median of BENCH_ROUNDS (default 9) rounds; the load average
 * before and after is printed with them. Children get a clean environment
 * (PATH and HOME only): a variable such as NODE_EXTRA_CA_CERTS makes every
 * Node start, the baseline's too, load extra certificates.
 *
 * Run: pnpm --filter @fruxkit/tui bench:start (builds the bundle first).
 * BENCH_COMPARE_WITH=/abs/path/to/another/dist/bin adds that build's `runs`
 * on a fresh dir to the same rounds (a before/after in one run); copy the
 * other build's dist/bin into apps/tui/dist/ so it resolves this package's
 * node_modules.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url))
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9)
const REPORT_CPU = fileURLToPath(new URL("./report-cpu.cjs", import.meta.url))

interface Sample {
  readonly wallMs: number
  readonly cpuMs: number
}

const timed = (args: ReadonlyArray<string>, env: Record<string, string> = {}): Promise<Sample> =>
  new Promise((resolve, reject) => {
    const start = performance.now()
    const child = spawn(process.execPath, ["-r", REPORT_CPU, ...args], {
      cwd: PACKAGE_DIR,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", "ignore", "pipe", "pipe"]
    })
    let stderr = ""
    let cpu = ""
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.stdio[3]!.on("data", (chunk: Buffer) => (cpu += chunk.toString()))
    child.on("close", (code) => {
      const wallMs = performance.now() - start
      if (code !== 0) return reject(new Error(`${args.join(" ")} exited ${code}: ${stderr}`))
      const cpuMs = Number(cpu.trim()) / 1000
      if (!Number.isFinite(cpuMs) || cpuMs <= 0) return reject(new Error(`${args.join(" ")}: no CPU time reported (${JSON.stringify(cpu)})`))
      resolve({ wallMs, cpuMs })
    })
  })

const mean = (values: ReadonlyArray<number>): number => values.reduce((sum, v) => sum + v, 0) / values.length
const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

await new Promise<void>((resolve, reject) =>
  spawn(process.execPath, ["scripts/bundle.mjs"], { cwd: PACKAGE_DIR, stdio: "inherit" }).on("close", (code) => (code === 0 ? resolve() : reject(new Error("bundle failed"))))
)

/** BENCH_COMPARE_WITH=DIR: another build's dist/bin (its main.cjs), timed on a fresh dir in the same rounds. */
const COMPARE_WITH = process.env.BENCH_COMPARE_WITH
const COMPARED = `runs --json (fresh dir), build in ${COMPARE_WITH}`
const measured: Record<string, Array<Sample>> = {
  'node -e ""': [],
  "fruxkit runs --agent support_bot --json (fresh dir)": [],
  "fruxkit runs --agent support_bot --json (existing)": [],
  "fruxkit --version": [],
  ...(COMPARE_WITH ? { [COMPARED]: [] } : {})
}
const RUNS = ["bin/fruxkit.js", "runs", "--agent", "support_bot", "--json"]
const existingDir = mkdtempSync(join(tmpdir(), "fruxkit-start-"))
const loadBefore = loadavg()[0]!
try {
  // One warm-up of each: the first spawn pays for the page cache, not for fruxkit; it also creates the existing dir.
  await timed(["-e", ""])
  await timed(RUNS, { FRUXKIT_DATA_DIR: existingDir })
  for (let round = 0; round < ROUNDS; round++) {
    const freshDir = mkdtempSync(join(tmpdir(), "fruxkit-start-"))
    try {
      measured['node -e ""']!.push(await timed(["-e", ""]))
      measured["fruxkit runs --agent support_bot --json (fresh dir)"]!.push(await timed(RUNS, { FRUXKIT_DATA_DIR: freshDir }))
      measured["fruxkit runs --agent support_bot --json (existing)"]!.push(await timed(RUNS, { FRUXKIT_DATA_DIR: existingDir }))
      measured["fruxkit --version"]!.push(await timed(["bin/fruxkit.js", "--version"]))
      if (COMPARE_WITH) {
        const otherDir = mkdtempSync(join(tmpdir(), "fruxkit-start-"))
        measured[COMPARED]!.push(await timed([join(COMPARE_WITH, "main.cjs"), ...RUNS.slice(1)], { FRUXKIT_DATA_DIR: otherDir }))
        rmSync(otherDir, { recursive: true, force: true })
      }
    } finally {
      rmSync(freshDir, { recursive: true, force: true })
    }
  }
} finally {
  rmSync(existingDir, { recursive: true, force: true })
}

const base = measured['node -e ""']!
const baseCpu = { mean: mean(base.map((s) => s.cpuMs)), median: median(base.map((s) => s.cpuMs)) }
const baseWall = { mean: mean(base.map((s) => s.wallMs)), median: median(base.map((s) => s.wallMs)) }
const cell = (ms: number, baseline: number) => `${ms.toFixed(0).padStart(5)} ms ${(ms / baseline).toFixed(2).padStart(5)}×`
console.log(`start time, ${ROUNDS} interleaved rounds; load average ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}; ratios to node -e "" in the same rounds`)
const width = Math.max(52, ...Object.keys(measured).map((name) => name.length))
console.log(`${"".padEnd(width)} ${"CPU mean".padEnd(16)} ${"CPU median".padEnd(16)} ${"wall mean".padEnd(16)} wall median`)
const fresh = measured["fruxkit runs --agent support_bot --json (fresh dir)"]!
const freshCpu = median(fresh.map((s) => s.cpuMs)) / baseCpu.median
const freshWall = median(fresh.map((s) => s.wallMs)) / baseWall.median
for (const [name, samples] of Object.entries(measured)) {
  const cpu = samples.map((s) => s.cpuMs)
  const wall = samples.map((s) => s.wallMs)
  console.log(
    `${name.padEnd(width)} ${cell(mean(cpu), baseCpu.mean)}  ${cell(median(cpu), baseCpu.median)}  ${cell(mean(wall), baseWall.mean)}  ${cell(median(wall), baseWall.median)}`
  )
}
// The figure the goal names (issue 16: within 5× `node -e ""`), on one line: wall is what a user waits, CPU the fair figure under load.
console.log(
  `\nruns --json, fresh dir, medians: wall ${freshWall.toFixed(2)}× node -e "" (goal ≤ 5×: ${freshWall <= 5 ? "met" : "not met"}), CPU ${freshCpu.toFixed(2)}×; load average ${loadavg()[0]!.toFixed(1)}`
)
