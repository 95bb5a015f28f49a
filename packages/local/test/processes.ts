/** Entry points of this package as real child processes (tsx on the sources), started and awaited by their first line. */
import { spawn, type ChildProcess } from "node:child_process"
import * as path from "node:path"

const packageDir = path.resolve(import.meta.dirname, "..")

export interface LocalProcess {
  readonly child: ChildProcess
  /** The capture groups of the line that said it is ready. */
  readonly ready: RegExpExecArray
  readonly output: () => string
  readonly exited: Promise<void>
}

export const spawnLocal = (
  entry: "src/main.ts" | "src/worker-main.ts",
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>>,
  readyLine: RegExp,
  timeoutMs = 45_000
): Promise<LocalProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=development", "--import", "tsx", entry, ...args], {
      cwd: packageDir,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    const exited = new Promise<void>((done) => child.once("exit", () => done()))
    const timer = setTimeout(() => reject(new Error(`${entry} did not get ready: ${output}`)), timeoutMs)
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString()
      const match = readyLine.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve({ child, ready: match, output: () => output, exited })
      }
    })
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`${entry} exited with ${code}: ${output}`))
    })
  })

/** SIGKILL, then wait until the process is gone. */
export const killHard = async (process: LocalProcess): Promise<void> => {
  process.child.kill("SIGKILL")
  await process.exited
}
