/** The spawn helper with real child processes: the ready line, captured output, and no process left behind. */
import { describe, expect, it } from "vitest"
import { runProcess, spawnProcess, waitFor } from "../src/index.js"

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe("spawnProcess", () => {
  it("resolves on the ready line with its groups, and stop ends the child and what it started", async () => {
    // The child starts a grandchild that would outlive it, prints the grandchild's pid, then waits.
    const script = `
      const { spawn } = require("node:child_process")
      const grandchild = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" })
      console.error("warming up")
      console.log("ready pid=" + grandchild.pid)
      setInterval(() => {}, 1000)`
    const proc = await spawnProcess({ args: ["-e", script], ready: /ready pid=(\d+)/ })
    const grandchild = Number(proc.ready![1])
    expect(alive(grandchild)).toBe(true)
    expect(proc.output()).toContain("warming up")
    const exit = await proc.stop()
    expect(exit.signal).toBe("SIGTERM")
    await waitFor(() => !alive(grandchild), { what: "the grandchild to be gone" })
  })

  it("rejects with the output when the process exits before it is ready", async () => {
    await expect(spawnProcess({ args: ["-e", "console.log('no port today'); process.exit(3)"], ready: /listening/ })).rejects.toThrow(/exited \(3\)[\s\S]*no port today/)
  })

  it("runProcess captures stdout, stderr and the code, and kills a run past its timeout", async () => {
    const done = await runProcess({ args: ["-e", "process.stdout.write('out'); process.stderr.write('err'); process.exit(2)"] })
    expect([done.code, done.stdout, done.stderr]).toEqual([2, "out", "err"])
    await expect(runProcess({ args: ["-e", "setInterval(() => {}, 1000)"], timeoutMs: 300 })).rejects.toThrow(/did not finish in 300 ms/)
  })
})
