/**
 * A real fruxkit gateway as a child process: the embedded backend with the
 * demo data, in a temporary data directory, on a free loopback port. The
 * gateway is not a dependency of core (it depends on core): it is started
 * from its source in this repository.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { spawnProcess } from "@fruxkit/testkit"

export interface RunningGateway {
  readonly url: string
  readonly close: () => Promise<void>
}

/** A real fruxkit gateway (embedded backend, demo data, a temporary data dir) as a child process. */
export const startGateway = async (): Promise<RunningGateway> => {
  const dataDir = await mkdtemp(join(tmpdir(), "fruxkit-core-gateway-"))
  const gateway = await spawnProcess({
    args: ["--conditions=development", "--import", "tsx", "src/main.ts", "--port", "0", "--data-dir", dataDir, "--log-level", "warn", "--rate-limit", "0"],
    cwd: fileURLToPath(new URL("../../../apps/gateway/", import.meta.url)),
    env: { PATH: process.env.PATH ?? "" },
    ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/,
    name: "the gateway"
  })
  return {
    url: gateway.ready![1]!,
    close: async () => {
      await gateway.stop()
      await rm(dataDir, { recursive: true, force: true })
    }
  }
}
