/**
 * A real fruxkit gateway as a child process: the embedded backend with the
 * demo data, in a temporary data directory, on a free loopback port. The
 * gateway is not a dependency of core (it depends on core): it is started
 * from its source in this repository.
 */
import { spawn } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

export interface RunningGateway {
  readonly url: string
  readonly close: () => Promise<void>
}

/** A real fruxkit gateway (embedded backend, demo data, a temporary data dir) as a child process. */
export const startGateway = async (): Promise<RunningGateway> => {
  const dataDir = await mkdtemp(join(tmpdir(), "fruxkit-core-bench-"))
  const gatewayDir = fileURLToPath(new URL("../../../apps/gateway/", import.meta.url))
  const child = spawn(
    process.execPath,
    ["--conditions=development", "--import", "tsx", "src/main.ts", "--port", "0", "--data-dir", dataDir, "--log-level", "warn", "--rate-limit", "0"],
    { cwd: gatewayDir, env: { PATH: process.env.PATH ?? "" }, stdio: ["ignore", "pipe", "pipe"] }
  )
  let out = ""
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()))
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()))
  const deadline = Date.now() + 60_000
  let url: string | undefined
  while (url === undefined) {
    url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1]
    if (Date.now() > deadline) throw new Error(`the gateway did not start:\n${out}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    url,
    close: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve))
      child.kill("SIGTERM")
      await exited
      await rm(dataDir, { recursive: true, force: true })
    }
  }
}

