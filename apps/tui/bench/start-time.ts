/**
 * Start time of the scriptable binary (issue: within 5× `node -e ""`):
 * `fruxkit runs --agent support_bot --json` on a fresh embedded data dir (the
 * store is created and seeded, the API answered, the process exits), and
 * `fruxkit --version`, each against `node -e ""` measured in the same run,
 * interleaved round by round so a burst of other work hits all three.
 * Medians of BENCH_ROUNDS (default 9); prints the machine's load with them.
 *
 * Run: pnpm --filter @fruxkit/tui bench (builds the bundle first)
 */
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url))
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9)

const timed = (args: ReadonlyArray<string>, env: Record<string, string> = {}): Promise<number> =>
  new Promise((resolve, reject) => {
    const start = performance.now()
    const child = spawn(process.execPath, args, { cwd: PACKAGE_DIR, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, stdio: ["ignore", "ignore", "pipe"] })
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.on("close", (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`${args.join(" ")} exited ${code}: ${stderr}`))))
  })

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

await new Promise<void>((resolve, reject) =>
  spawn(process.execPath, ["scripts/bundle.mjs"], { cwd: PACKAGE_DIR, stdio: "inherit" }).on("close", (code) => (code === 0 ? resolve() : reject(new Error("bundle failed"))))
)
const loadBefore = loadavg()[0]!
const node: Array<number> = []
const runs: Array<number> = []
const version: Array<number> = []
// One warm-up of each: the first spawn pays for the page cache, not for fruxkit.
await timed(["-e", ""])
await timed(["bin/fruxkit.js", "--version"])
for (let round = 0; round < ROUNDS; round++) {
  const dataDir = mkdtempSync(join(tmpdir(), "fruxkit-start-"))
  try {
    node.push(await timed(["-e", ""]))
    runs.push(await timed(["bin/fruxkit.js", "runs", "--agent", "support_bot", "--json"], { FRUXKIT_DATA_DIR: dataDir }))
    version.push(await timed(["bin/fruxkit.js", "--version"]))
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}
const base = median(node)
const line = (name: string, values: ReadonlyArray<number>) =>
  `${name.padEnd(52)} ${median(values).toFixed(0).padStart(5)} ms  ${(median(values) / base).toFixed(2)}× node -e ""  (min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)})`
console.log(`start time, median of ${ROUNDS} interleaved rounds; load average ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`)
console.log(line('node -e ""', node))
console.log(line("fruxkit runs --agent support_bot --json (fresh dir)", runs))
console.log(line("fruxkit --version", version))
