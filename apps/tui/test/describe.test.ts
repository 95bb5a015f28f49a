/** The machine-readable surface: describe --json, completion scripts, and a closed stdout. */
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runProcess, startFakeFruxon } from "@fruxkit/testkit"
import { BINARY_ARGS, PACKAGE_DIR, runBinary } from "./run-binary.js"

const COMMANDS = [
  "test",
  "add",
  "eval",
  "runs",
  "run",
  "compare",
  "deploy",
  "cancel",
  "agents",
  "datasets",
  "datasets create",
  "draft pull",
  "draft push",
  "draft validate",
  "draft test",
  "draft evaluate",
  "revisions create",
  "view",
  "describe",
  "completion"
]

describe.concurrent("describe, completion", { timeout: 60_000 }, () => {
  it("describe --json lists every command with its flags, types and defaults, and the exit codes", async () => {
    const result = await runBinary(["describe", "--json"])
    expect(result.code).toBe(0)
    const tree = JSON.parse(result.stdout) as {
      version: string
      commands: Array<{ name: string; flags: Array<{ name: string; type: string; default?: string; min?: number; max?: number; choices?: Array<string> }>; args: Array<unknown> }>
      exitCodes: Array<{ code: number; name: string }>
      globalFlags: Array<{ name: string }>
    }
    const help = await runBinary(["--help"])
    const listed = [...help.stdout.matchAll(/^ {2}([a-z]+(?: [a-z]+)?) {2,}/gm)].map((m) => m[1])
    expect(tree.commands.map((c) => c.name)).toEqual(COMMANDS)
    for (const name of COMMANDS) expect(listed).toContain(name)
    const evalFlags = tree.commands.find((c) => c.name === "eval")!.flags
    expect(evalFlags.find((f) => f.name === "--fail-under")).toMatchObject({ type: "number", min: 0, max: 10 })
    expect(evalFlags.find((f) => f.name === "--timeout")).toMatchObject({ type: "duration", default: "30m" })
    expect(tree.globalFlags.find((f) => f.name === "--output")).toMatchObject({ choices: ["json", "ndjson", "table", "csv"] })
    expect(tree.exitCodes.map((r) => r.code)).toEqual([0, 1, 1, 2, 10, 11, 12, 13, 14, 15, 16])
    const one = JSON.parse((await runBinary(["describe", "compare", "--json"])).stdout) as { name: string; args: Array<{ name: string }> }
    expect(one.name).toBe("compare")
    expect(one.args.map((a) => a.name)).toEqual(["RUN_A", "RUN_B"])
  })

  it("completion prints a script for bash, zsh and fish; another shell is a usage error", async () => {
    const [bash, zsh, fish, other] = await Promise.all([runBinary(["completion", "bash"]), runBinary(["completion", "zsh"]), runBinary(["completion", "fish"]), runBinary(["completion", "tcsh"])])
    expect(bash.stdout).toContain("complete -F _fruxkit fruxkit")
    expect(bash.stdout).toMatch(/eval\) words="[^"]*--fail-under/)
    expect(zsh.stdout).toContain("bashcompinit")
    expect(fish.stdout).toContain("complete -c fruxkit -n '__fish_seen_subcommand_from eval' -l fail-under -r")
    expect(other.code).toBe(2)
  })
})

describe("the README's way of running the CLI", { timeout: 60_000 }, () => {
  it("pnpm -s fruxkit from the repository root gives clean stdout a JSON reader can take", async () => {
    const result = await runProcess({ command: "pnpm", args: ["-s", "fruxkit", "describe", "--json"], cwd: join(PACKAGE_DIR, "..", "..") })
    expect(result.code).toBe(0)
    expect((JSON.parse(result.stdout) as { name: string }).name).toBe("fruxkit")
  })
})

describe("a closed stdout", { timeout: 60_000 }, () => {
  let server: { url: string; close: () => Promise<void> }
  beforeAll(async () => {
    server = await startFakeFruxon({ responseLines: 60_000, samples: 3000, step: 3000 })
  })
  afterAll(() => server.close())

  /** `fruxkit … | head -N` in bash: fruxkit's own exit status and stderr. */
  const piped = async (args: ReadonlyArray<string>, lines: number) => {
    const command = `set -o pipefail; '${process.execPath}' ${BINARY_ARGS.join(" ")} ${args.map((a) => `'${a}'`).join(" ")} | head -${lines}; echo "fruxkit=\${PIPESTATUS[0]}" >&2`
    const { stderr, stdout } = await runProcess({
      command: "bash",
      args: ["-c", command],
      cwd: PACKAGE_DIR,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, FRUXON_API_URL: server.url }
    })
    return { status: Number(/fruxkit=(\d+)/.exec(stderr)?.[1]), stderr: stderr.replace(/fruxkit=\d+\n/, ""), stdout }
  }

  it("ends the command quietly when the reader goes away (test | head -2, run --samples | head -1)", async () => {
    const test = await piped(["test", "--agent", "support_bot", "--revision", "2", "-o", "table"], 2)
    expect(test.stdout.split("\n").filter(Boolean)).toHaveLength(2)
    expect(test.stderr).toBe("")
    expect(test.status).toBe(0)
    const run = await piped(["run", "--agent", "support_bot", "9a8b7c6d", "--samples", "-o", "table"], 1)
    expect(run.stderr).toBe("")
    expect(run.status).toBe(0)
  })
})
