/** Entry points of this package as real child processes (tsx on the sources), started by the test kit and awaited by their ready line. */
import * as path from "node:path"
import { spawnProcess, type RunningProcess } from "@fruxkit/testkit"

const packageDir = path.resolve(import.meta.dirname, "..")

export interface LocalProcess extends RunningProcess {
  /** The capture groups of the line that said it is ready. */
  readonly ready: RegExpExecArray
}

export const spawnLocal = async (
  entry: "src/main.ts" | "src/worker-main.ts",
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>>,
  readyLine: RegExp,
  timeoutMs = 45_000
): Promise<LocalProcess> =>
  (await spawnProcess({
    args: ["--conditions=development", "--import", "tsx", entry, ...args],
    cwd: packageDir,
    env: { ...process.env, ...env },
    ready: readyLine,
    readyTimeoutMs: timeoutMs,
    name: entry
  })) as LocalProcess

/** SIGKILL (the process and what it started), then wait until it is gone. */
export const killHard = async (process: LocalProcess): Promise<void> => {
  await process.kill()
}
