/**
 * The README's main command, `pnpm start` at the root, as a process manager
 * (or `docker stop`, or `kill`) stops it: SIGTERM to the pnpm process. pnpm
 * passes the signal to its script's process only, so that process must be
 * the gateway itself (the script ends in `exec node …`); otherwise the
 * gateway is left running, orphaned, and never shuts down gracefully.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { freePort } from "@fruxkit/local/testing"
import { describe, expect, it } from "vitest"

const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url))

const waitFor = async (predicate: () => boolean, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe("pnpm start", () => {
  it("serves the demo data, and a SIGTERM to pnpm shuts the gateway down gracefully (exit 0, port closed)", async () => {
    const port = await freePort()
    const dataDir = mkdtempSync(join(tmpdir(), "fruxkit-start-"))
    const pnpm = spawn("pnpm", ["start"], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: String(port), FRUXKIT_DATA_DIR: dataDir },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so a failed run can be cleaned up whole.
      detached: true
    })
    let output = ""
    pnpm.stdout!.on("data", (d: Buffer) => (output += d.toString()))
    pnpm.stderr!.on("data", (d: Buffer) => (output += d.toString()))
    const exited = new Promise<number | null>((resolve) => pnpm.on("exit", (code) => resolve(code)))
    try {
      await waitFor(() => output.includes("listening on"), 120_000, `the gateway to start:\n${output}`)
      const datasets = await fetch(`http://127.0.0.1:${port}/v1/tenants/demo/agents/support_bot/datasets`)
      expect(datasets.status).toBe(200)
      expect(((await datasets.json()) as Array<{ name: string }>).map((d) => d.name)).toContain("golden")

      pnpm.kill("SIGTERM")
      expect(await exited).toBe(0)
      expect(output).toContain('"msg":"shutting down"')
      expect(output).toContain('"msg":"stopped"')
      // Nothing is left listening: the gateway itself got the signal.
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow()
    } finally {
      try {
        process.kill(-pnpm.pid!, "SIGKILL")
      } catch {
        // the group is gone already
      }
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 180_000)
})
