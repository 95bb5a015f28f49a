/**
 * The README's main command, `pnpm start` at the root, as a process manager
 * (or `docker stop`, or `kill`) stops it: SIGTERM to the pnpm process. pnpm
 * passes the signal to its script's process only, so that process must be
 * the gateway itself (the script ends in `exec node …`); otherwise the
 * gateway is left running, orphaned, and never shuts down gracefully.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { freePort } from "@fruxkit/local/testing"
import { spawnProcess } from "@fruxkit/testkit"
import { describe, expect, it } from "vitest"

const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url))

describe("pnpm start", () => {
  it("serves the demo data, and a SIGTERM to pnpm shuts the gateway down gracefully (exit 0, port closed)", async () => {
    const port = await freePort()
    const dataDir = mkdtempSync(join(tmpdir(), "fruxkit-start-"))
    // Its own process group (the kit's default), so a failed run is cleaned up whole.
    const pnpm = await spawnProcess({
      command: "pnpm",
      args: ["start"],
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: String(port), FRUXKIT_DATA_DIR: dataDir },
      ready: /listening on/,
      // A cold turbo cache builds core, local and the gateway first: minutes on a loaded machine.
      readyTimeoutMs: 200_000,
      name: "pnpm start"
    })
    try {
      const datasets = await fetch(`http://127.0.0.1:${port}/v1/tenants/demo/agents/support_bot/datasets`)
      expect(datasets.status).toBe(200)
      expect(((await datasets.json()) as Array<{ name: string }>).map((d) => d.name)).toContain("golden")
      // The start banner names the web viewer, and /ui opens on the demo tenant.
      expect(pnpm.output()).toMatch(new RegExp(`viewer: http://[^\\s]+:${port}/ui\\s`))
      const viewer = await fetch(`http://127.0.0.1:${port}/ui`, { redirect: "manual" })
      expect(viewer.status).toBe(302)
      expect(viewer.headers.get("location")).toBe("/ui/t/demo")

      // To pnpm alone, as a process manager sends it: not to the group.
      pnpm.signal("SIGTERM")
      expect((await pnpm.exited).code).toBe(0)
      expect(pnpm.output()).toContain('"msg":"shutting down"')
      expect(pnpm.output()).toContain('"msg":"stopped"')
      // Nothing is left listening: the gateway itself got the signal.
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow()
    } finally {
      await pnpm.kill()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 260_000)
})
