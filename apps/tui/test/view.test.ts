/**
 * `fruxkit view` as people and scripts run it: the real binary as a child
 * process (stdout a pipe: the URL is printed, nothing is opened) and in a
 * real terminal (tmux: the URL is handed to the browser opener). The opener
 * is a stand-in script on PATH that writes down the URL it was given — the
 * one outside program here; no browser starts.
 */
import { execFileSync } from "node:child_process"
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startFakeFruxon, waitFor, waitForText } from "@fruxkit/testkit"
import { BINARY_ARGS, PACKAGE_DIR, runBinary } from "./run-binary.js"

const RUN = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
const opener = process.platform === "darwin" ? "open" : "xdg-open"
const work = mkdtempSync(join(tmpdir(), "fruxkit-view-"))
const binDir = join(work, "bin")
const session = `fruxkit-view-${process.pid}`
let server: { url: string; close: () => Promise<void> }

/** A PATH whose opener records its argument in `marker`. */
const withOpener = (marker: string) => {
  execFileSync("mkdir", ["-p", binDir])
  writeFileSync(join(binDir, opener), `#!/bin/sh\nprintf '%s' "$1" > '${marker}'\n`)
  chmodSync(join(binDir, opener), 0o755)
  return `${binDir}:${process.env.PATH}`
}

beforeAll(async () => {
  // The fake speaks the same API as a gateway's /v1: enough to resolve a run prefix.
  server = await startFakeFruxon({ samples: 4, step: 4, score: 7.5 })
})
afterAll(async () => {
  try {
    execFileSync("tmux", ["kill-session", "-t", session])
  } catch {
    // already gone
  }
  await server.close()
  rmSync(work, { recursive: true, force: true })
})

describe.concurrent("fruxkit view", { timeout: 60_000 }, () => {
  it("stdout not a terminal: prints <gateway>/ui and opens nothing, even with an opener on PATH", async () => {
    const marker = join(work, "pipe-opened")
    const result = await runBinary(["view", "-o", "table"], { FRUXKIT_URL: `${server.url}/`, PATH: withOpener(marker) })
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`${server.url}/ui\n`)
    expect(existsSync(marker)).toBe(false)
  })

  it("-o json: {url, opened:false}; a run prefix resolves to the run's page; --tenant goes in the path", async () => {
    const [prefix, full] = await Promise.all([
      runBinary(["view", "--agent", "support_bot", "9a8b7c6d", "-o", "json"], { FRUXKIT_URL: server.url }),
      // A full id needs no lookup.
      runBinary(["view", "--agent", "support_bot", RUN, "--tenant", "acme", "-o", "json"], { FRUXKIT_URL: server.url })
    ])
    expect(prefix.code).toBe(0)
    expect(JSON.parse(prefix.stdout)).toEqual({ url: `${server.url}/ui/t/demo/agents/support_bot/runs/${RUN}`, opened: false })
    expect(full.code).toBe(0)
    expect(JSON.parse(full.stdout)).toEqual({ url: `${server.url}/ui/t/acme/agents/support_bot/runs/${RUN}`, opened: false })
  })

  it("a prefix that matches no run is not_found (11); a run without --agent is a usage error (2)", async () => {
    const [missing, noAgent] = await Promise.all([
      runBinary(["view", "--agent", "support_bot", "ffff0000", "-o", "json"], { FRUXKIT_URL: server.url }),
      runBinary(["view", RUN, "-o", "json"], { FRUXKIT_URL: server.url })
    ])
    expect(missing.code).toBe(11)
    expect(JSON.parse(missing.stderr).error.code).toBe("not_found")
    expect(missing.stdout).toBe("")
    expect(noAgent.code).toBe(2)
    expect(JSON.parse(noAgent.stderr).error.message).toContain("--agent")
  })

  it("embedded backend: exit 2 saying there is no server and to run pnpm start; the data dir is not created", async () => {
    const dataDir = join(work, "never-created")
    const result = await runBinary(["view", "-o", "json"], { FRUXKIT_DATA_DIR: dataDir })
    expect(result.code).toBe(2)
    expect(result.stdout).toBe("")
    const { error } = JSON.parse(result.stderr) as { error: { code: string; message: string; hint: string } }
    expect(error.code).toBe("usage")
    expect(error.message).toContain("embedded backend has no web viewer")
    expect(error.hint).toContain("pnpm start")
    expect(existsSync(dataDir)).toBe(false)
  })

  it("at a terminal (tmux), not CI: hands the agent page's URL to the browser opener and prints it", async () => {
    const marker = join(work, "tty-opened")
    const command = [process.execPath, ...BINARY_ARGS].map((part) => `'${part}'`).join(" ")
    execFileSync("tmux", [
      "new-session", "-d", "-s", session, "-x", "120", "-y", "10", "-c", PACKAGE_DIR,
      `env -u CI -u FRUXKIT_AGENT_MODE -u FRUXON_AGENT_MODE -u CLAUDECODE -u FRUXON_API_URL PATH='${withOpener(marker)}' FRUXKIT_URL='${server.url}' ${command} view --agent support_bot; echo "view exited $?"; sleep 30`
    ])
    const expected = `${server.url}/ui/t/demo/agents/support_bot`
    await waitFor(() => existsSync(marker) && readFileSync(marker, "utf8") !== "", { timeoutMs: 30_000, what: "the browser opener to be called" })
    expect(readFileSync(marker, "utf8")).toBe(expected)
    const screen = await waitForText(() => execFileSync("tmux", ["capture-pane", "-p", "-t", session], { encoding: "utf8" }), "view exited", { timeoutMs: 30_000 })
    expect(screen).toContain(expected)
    expect(screen).toContain("view exited 0")
  })
})
