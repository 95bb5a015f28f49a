/**
 * The commands as the binary runs them: dist/bin/commands.cjs (built by the
 * global setup) through the code cache the build wrote. A cache V8 refuses
 * would still run, only slower — so this checks that this Node accepts it.
 */
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { runCommandsScript } from "../src/commands-script.js"

describe("the commands script", () => {
  it("runs with the build's code cache accepted, and answers as cli.ts does", async () => {
    const script = runCommandsScript(fileURLToPath(new URL("../dist/bin/commands.cjs", import.meta.url)))
    expect(script.cacheAccepted).toBe(true)
    let out = ""
    const stdout = { write: (chunk: string) => ((out += chunk), true), isTTY: false } as never
    const code = await script.commands.runCli(["--version"], { stdout, stderr: stdout, env: {} })
    expect(code).toBe(0)
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/)
  })
})
