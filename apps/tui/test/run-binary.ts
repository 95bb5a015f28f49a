/**
 * Run the `fruxkit` binary as a child process, the way a shell or CI does:
 * the committed launcher (bin/fruxkit.js) and the bundle it loads, built once
 * by the global setup (test/build-binary.ts).
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

export const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url))
export const BINARY_ARGS = ["bin/fruxkit.js"]

export interface BinaryResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export const runBinary = (args: ReadonlyArray<string>, env: Record<string, string | undefined> = {}, timeoutMs = 60_000): Promise<BinaryResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...BINARY_ARGS, ...args], {
      cwd: PACKAGE_DIR,
      // A clean environment: no connection settings or CI variables leak in from the developer's shell.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`fruxkit ${args.join(" ")} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`))
    }, timeoutMs)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
