/**
 * The one helper that runs a child process for a test: start it, capture
 * its output, wait for the line that says it is ready (a port, "listening
 * on …"), and make sure it is gone afterwards.
 *
 * Each child leads its own process group (`detached`), so stopping it stops
 * what it started too (pnpm → node, a shell → its command); a child still
 * running when the test process exits is killed with its group, so a failed
 * test leaves no server behind. `signal` reaches the child alone: a test of
 * how a process forwards a signal must not have the kit deliver it to the
 * whole group.
 */
import { spawn, type ChildProcess } from "node:child_process"

export interface SpawnOptions {
  /** Default: this Node (`process.execPath`). */
  readonly command?: string | undefined
  readonly args: ReadonlyArray<string>
  readonly cwd?: string | undefined
  /** The whole environment (not merged with this process's): a test states what the child sees. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
  /** Resolve when the output (stdout and stderr together) matches; without it, resolve once started. */
  readonly ready?: RegExp | undefined
  /** Deadline for `ready` (default 60 s: a tsx start on a loaded machine can take many seconds). */
  readonly readyTimeoutMs?: number | undefined
  /** Bytes written to stdin, then stdin is closed; default: no stdin. */
  readonly stdin?: string | undefined
  /** A name for errors (default: the command line). */
  readonly name?: string | undefined
}

export interface Exit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

export interface RunningProcess {
  readonly child: ChildProcess
  readonly pid: number
  /** The match of `ready` (its capture groups: the port, the URL). */
  readonly ready: RegExpExecArray | undefined
  readonly stdout: () => string
  readonly stderr: () => string
  /** stdout and stderr interleaved as they arrived. */
  readonly output: () => string
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<Exit>
  readonly hasExited: () => boolean
  /** Send a signal to the child alone. */
  readonly signal: (signal: NodeJS.Signals) => void
  /** SIGTERM to the group; SIGKILL to the group if it is still there after `graceMs` (default 10 s). */
  readonly stop: (graceMs?: number) => Promise<Exit>
  /** SIGKILL to the group, then wait for the exit. */
  readonly kill: () => Promise<Exit>
}

const running = new Set<RunningProcess>()
let exitHookInstalled = false
const installExitHook = () => {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once("exit", () => {
    for (const proc of running) killGroup(proc.pid, "SIGKILL")
  })
}

const killGroup = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(-pid, signal)
  } catch {
    // Already gone.
  }
}

/** Start a child process; resolves when it printed its ready line (or at once without one). */
export const spawnProcess = (options: SpawnOptions): Promise<RunningProcess> => {
  const command = options.command ?? process.execPath
  const name = options.name ?? [command === process.execPath ? "node" : command, ...options.args].join(" ")
  const child = spawn(command, [...options.args], {
    cwd: options.cwd,
    env: options.env ?? { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    detached: true
  })
  let stdout = ""
  let stderr = ""
  let output = ""
  let exit: Exit | undefined
  const exited = new Promise<Exit>((resolve) =>
    child.once("close", (code, signal) => {
      exit = { code, signal }
      running.delete(proc)
      resolve(exit)
    })
  )
  // A spawn failure (no such command) ends as an exit with no code.
  child.once("error", (error) => {
    output += `\n[spawn error] ${error.message}`
  })
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString()
    output += chunk.toString()
  })
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString()
    output += chunk.toString()
  })
  if (options.stdin !== undefined) child.stdin!.end(options.stdin)

  const stop = async (graceMs = 10_000): Promise<Exit> => {
    if (exit) return exit
    killGroup(child.pid!, "SIGTERM")
    const timer = setTimeout(() => killGroup(child.pid!, "SIGKILL"), graceMs)
    const result = await exited
    clearTimeout(timer)
    return result
  }
  const proc: RunningProcess = {
    child,
    pid: child.pid ?? -1,
    ready: undefined,
    stdout: () => stdout,
    stderr: () => stderr,
    output: () => output,
    exited,
    hasExited: () => exit !== undefined,
    signal: (signal) => {
      if (!exit) child.kill(signal)
    },
    stop,
    kill: async () => {
      if (exit) return exit
      killGroup(child.pid!, "SIGKILL")
      return exited
    }
  }
  if (child.pid !== undefined) {
    running.add(proc)
    installExitHook()
  }

  const ready = options.ready
  if (ready === undefined) return Promise.resolve(proc)
  return new Promise((resolve, reject) => {
    const timeoutMs = options.readyTimeoutMs ?? 60_000
    const check = () => {
      const match = ready.exec(output)
      if (!match) return
      done()
      resolve({ ...proc, ready: match })
    }
    const onExit = (result: Exit) => {
      if (settled) return
      done()
      reject(new Error(`${name} exited (${result.code ?? result.signal}) before it was ready:\n${output}`))
    }
    let settled = false
    const timer = setTimeout(() => {
      done()
      void proc.kill()
      reject(new Error(`${name} was not ready (${ready}) in ${timeoutMs} ms:\n${output}`))
    }, timeoutMs)
    const done = () => {
      settled = true
      clearTimeout(timer)
      child.stdout!.off("data", check)
      child.stderr!.off("data", check)
    }
    child.stdout!.on("data", check)
    child.stderr!.on("data", check)
    void exited.then(onExit)
    check()
  })
}

export interface Finished extends Exit {
  readonly stdout: string
  readonly stderr: string
  readonly output: string
}

/** Run a command to its end and capture its output; past `timeoutMs` (default 60 s) it is killed with its group and this rejects. */
export const runProcess = async (options: Omit<SpawnOptions, "ready" | "readyTimeoutMs"> & { readonly timeoutMs?: number | undefined }): Promise<Finished> => {
  const proc = await spawnProcess(options)
  const timeoutMs = options.timeoutMs ?? 60_000
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    void proc.kill()
  }, timeoutMs)
  const exit = await proc.exited
  clearTimeout(timer)
  if (timedOut) {
    throw new Error(`${options.name ?? options.args.join(" ")} did not finish in ${timeoutMs} ms:\n${proc.output()}`)
  }
  return { ...exit, stdout: proc.stdout(), stderr: proc.stderr(), output: proc.output() }
}
