/**
 * Run the `fruxkit` binary as a child process, the way a shell or CI does:
 * the committed launcher (bin/fruxkit.js) and the bundle it loads, built once
 * by the global setup (test/build-binary.ts).
 */
import { fileURLToPath } from "node:url"
import { runProcess } from "@fruxkit/testkit"

export const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url))
export const BINARY_ARGS = ["bin/fruxkit.js"]

export interface BinaryResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export const runBinary = async (args: ReadonlyArray<string>, env: Record<string, string | undefined> = {}, timeoutMs = 60_000): Promise<BinaryResult> => {
  const { code, stdout, stderr } = await runProcess({
    args: [...BINARY_ARGS, ...args],
    cwd: PACKAGE_DIR,
    // A clean environment: no connection settings or CI variables leak in from the developer's shell.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    timeoutMs,
    name: `fruxkit ${args.join(" ")}`
  })
  return { code, stdout, stderr }
}
