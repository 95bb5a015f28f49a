/**
 * fruxkit TUI benchmarks (not part of the tests):
 *
 * 1. Launch to first full frame: the built binary in a pseudo-terminal
 *    (`script`) on a seeded embedded data dir, until the agent list is on the
 *    screen; as a ratio to `node -e ""` measured in the same run.
 * 2. Bytes written per progress tick while an evaluation streams progress:
 *    Ink's incremental rendering (what fruxkit uses) against a full redraw
 *    per frame (Ink's standard renderer), same app, same run.
 *
 * Run: pnpm --filter @fruxkit/tui bench
 */
import { execFileSync, spawn } from "node:child_process"
import { EventEmitter } from "node:events"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Writable } from "node:stream"
import { fileURLToPath } from "node:url"
import { createElement } from "react"
import { render } from "ink"
import { createFruxonClient } from "@fruxkit/core"
import { App } from "../src/ui/App.js"
import { withIncrementalCursorFix } from "../src/incremental-cursor-fix.js"
import { startFakeFruxon, waitFor } from "@fruxkit/testkit"

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url))
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7)

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const timeNodeEmpty = (): Promise<number> =>
  new Promise((resolve) => {
    const start = performance.now()
    spawn(process.execPath, ["-e", ""], { stdio: "ignore" }).on("close", () => resolve(performance.now() - start))
  })

/** Milliseconds from spawn to the first frame, and to the first frame showing the agents (the first full frame). */
const timeLaunch = (dataDir: string): Promise<{ firstFrame: number; fullFrame: number }> =>
  new Promise((resolve, reject) => {
    const start = performance.now()
    // `script` gives a pty of no size; stty makes it the 80×24 the app is designed for.
    const child = spawn("script", ["-qfec", `stty cols 80 rows 24; exec ${process.execPath} bin/fruxkit.js`, "/dev/null"], {
      cwd: PACKAGE_DIR,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: "xterm-256color", FRUXKIT_DATA_DIR: dataDir },
      stdio: ["pipe", "pipe", "ignore"],
      detached: true
    })
    let output = ""
    let firstFrame: number | undefined
    let stopping = false
    // The pty may be gone before "q" arrives; that is fine.
    child.stdin.on("error", () => undefined)
    const timer = setTimeout(() => {
      process.kill(-child.pid!, "SIGKILL")
      reject(new Error(`no agent list within 20 s:\n${output}`))
    }, 20_000)
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString()
      if (firstFrame === undefined && output.includes("fruxkit ·")) firstFrame = performance.now() - start
      if (output.includes("support_bot") && !stopping) {
        stopping = true
        const fullFrame = performance.now() - start
        clearTimeout(timer)
        child.stdin.write("q")
        child.on("close", () => resolve({ firstFrame: firstFrame ?? fullFrame, fullFrame }))
        setTimeout(() => {
          try {
            process.kill(-child.pid!, "SIGKILL")
          } catch {
            // already gone
          }
        }, 3000).unref()
      }
    })
  })

const launchBenchmark = async () => {
  execFileSync(process.execPath, [join(PACKAGE_DIR, "../../node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: PACKAGE_DIR, stdio: "inherit" })
  const dataDir = mkdtempSync(join(tmpdir(), "fruxkit-bench-"))
  try {
    await timeLaunch(dataDir) // seeds the demo data; later launches open it like a user's second start
    const empty: Array<number> = []
    const first: Array<number> = []
    const full: Array<number> = []
    for (let round = 0; round < ROUNDS; round++) {
      empty.push(await timeNodeEmpty())
      const launch = await timeLaunch(dataDir)
      first.push(launch.firstFrame)
      full.push(launch.fullFrame)
    }
    return { nodeEmptyMs: median(empty), firstFrameMs: median(first), fullFrameMs: median(full) }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

// ---- bytes per progress tick ----

class CountingTerminal extends Writable {
  readonly isTTY = true
  columns = 80
  rows = 24
  readonly writes: Array<{ at: number; bytes: number; text: string }> = []
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void) {
    const text = chunk.toString()
    this.writes.push({ at: performance.now(), bytes: Buffer.byteLength(text), text })
    done()
  }
}

/** Enough of a TTY stdin for Ink's raw mode. */
class QuietStdin extends EventEmitter {
  readonly isTTY = true
  setRawMode() {}
  setEncoding() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read() {
    return null
  }
}

const progressBenchmark = async (incrementalRendering: boolean) => {
  const samples = 40
  const fake = await startFakeFruxon({ samples, step: 1 })
  const client = createFruxonClient({ baseUrl: fake.url })
  const run = await client.evaluate({ tenant: "demo", agent: "support_bot", body: { candidateRevision: 2 } })
  const terminal = new CountingTerminal()
  const api = { client, tenant: "demo", label: "bench", polling: { initialDelay: 60, factor: 1, maxDelay: 60 } } as const
  // createElement, not JSX: the bench entry is a .ts file.
  const instance = render(createElement(App, { api, initialRoute: { screen: "run", agentId: "support_bot", runId: run.id, initial: run } }), {
    stdout: withIncrementalCursorFix(terminal as unknown as NodeJS.WriteStream),
    stdin: new QuietStdin() as unknown as NodeJS.ReadStream,
    incrementalRendering,
    patchConsole: false,
    exitOnCtrlC: false
  })
  await waitFor(() => terminal.writes.some((w) => w.text.includes("COMPLETED")), { timeoutMs: 30_000, intervalMs: 50, what: "the run to complete" }).catch(() => undefined)
  instance.unmount()
  await client.close()
  await fake.close()
  // Ticks: the writes after the first frame that show the bar moving, before the summary replaces the screen.
  const frames = terminal.writes.filter((w) => w.bytes > 20)
  const done = frames.findIndex((w) => w.text.includes("COMPLETED"))
  const ticks = frames.slice(1, done)
  return {
    fullFrameBytes: frames[0]?.bytes ?? 0,
    ticks: ticks.length,
    bytesPerTick: median(ticks.map((w) => w.bytes)),
    maxBytesPerTick: Math.max(...ticks.map((w) => w.bytes))
  }
}

const main = async () => {
  const launch = await launchBenchmark()
  console.log(`launch to first full frame (agent list, embedded backend, 80×24 pty, median of ${ROUNDS}):`)
  console.log(`  node -e ""            ${launch.nodeEmptyMs.toFixed(0)} ms`)
  console.log(`  fruxkit first frame   ${launch.firstFrameMs.toFixed(0)} ms`)
  console.log(`  fruxkit agent list    ${launch.fullFrameMs.toFixed(0)} ms  (${(launch.fullFrameMs / launch.nodeEmptyMs).toFixed(1)}× node -e "")`)
  const incremental = await progressBenchmark(true)
  const redraw = await progressBenchmark(false)
  console.log("bytes written per progress tick while a run streams progress (80×24):")
  console.log(`  incremental (fruxkit)  median ${incremental.bytesPerTick} B, max ${incremental.maxBytesPerTick} B over ${incremental.ticks} ticks`)
  console.log(`  full redraw            median ${redraw.bytesPerTick} B, max ${redraw.maxBytesPerTick} B over ${redraw.ticks} ticks`)
  console.log(`  ratio                  ${(redraw.bytesPerTick / Math.max(1, incremental.bytesPerTick)).toFixed(1)}× fewer bytes per tick`)
}

await main()
