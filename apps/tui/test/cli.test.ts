/** The scriptable commands as CI runs them: real child processes, their output and their exit codes. */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { EXECUTION, startFakeFruxon } from "@fruxkit/testkit"
import { runBinary } from "./run-binary.js"

let server: { url: string; close: () => Promise<void> }
const TOKEN = "jwt-that-must-never-print"
const env = () => ({ FRUXON_API_URL: server.url, FRUXON_API_TOKEN: TOKEN })

beforeAll(async () => {
  server = await startFakeFruxon({ samples: 4, step: 4, score: 7.5 })
})
afterAll(async () => {
  await server.close()
})

const noSecrets = (result: { stdout: string; stderr: string }) => {
  expect(result.stdout).not.toContain(TOKEN)
  expect(result.stderr).not.toContain(TOKEN)
}

describe.concurrent("fruxkit commands (child processes)", { timeout: 60_000 }, () => {
  it("--help explains the connection modes, agent mode and prints the exit-code table", async () => {
    const result = await runBinary(["--help"])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain("--url URL or FRUXKIT_URL, with FRUXKIT_API_KEY")
    expect(result.stdout).toContain("CI, FRUXKIT_AGENT_MODE, FRUXON_AGENT_MODE, CLAUDECODE")
    for (const [code, name] of [
      [0, "ok"],
      [1, "gate_failed"],
      [2, "usage"],
      [10, "auth"],
      [11, "not_found"],
      [12, "validation"],
      [13, "conflict"],
      [14, "server"],
      [15, "network"],
      [16, "interactive_required"]
    ] as const) {
      expect(result.stdout).toMatch(new RegExp(`^ *${code} +${name} +`, "m"))
    }
  })

  it("--version prints the package version; help <command> and <command> --help print the command's help with examples", async () => {
    const [version, help, flag] = await Promise.all([runBinary(["--version"]), runBinary(["help", "eval"]), runBinary(["eval", "--help"])])
    expect(version.code).toBe(0)
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
    expect(help.code).toBe(0)
    expect(help.stdout).toContain("Usage:\n  fruxkit eval --agent ID")
    expect(help.stdout).toContain("Examples:")
    expect(help.stdout).toContain("--max-regressions N")
    expect(flag.stdout).toBe(help.stdout)
  })

  it("help aligns a command's own flags and the global ones on one column, shows no empty block, and --revision as optional", async () => {
    const [agents, test] = await Promise.all([runBinary(["agents", "--help"]), runBinary(["test", "--help"])])
    expect(agents.stdout).not.toMatch(/^Flags:\n\n/m)
    expect(agents.stdout).toContain("Connection:")
    const columns = new Set(
      test.stdout
        .split("\n")
        .filter((line) => /^ {2}(-\w, )?--[a-z-]+/.test(line))
        .map((line) => /^( {2}\S.*?\S {2,})\S/.exec(line)![1]!.length)
    )
    expect(columns.size).toBe(1)
    expect(test.stdout).toContain("fruxkit test --agent ID [--revision N]")
  })

  it("eval --fail-under exits 0 at or above the threshold and prints the summary table with the gate", async () => {
    const result = await runBinary(
      ["eval", "--agent", "support_bot", "--dataset", "golden", "--candidate-revision", "2", "--fail-under", "0.7", "-o", "table"],
      env()
    )
    expect(result.stderr).toBe("") // not a terminal: no progress
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/score +7\.50 of 10/)
    expect(result.stdout).toMatch(/gate +PASS: completed ✓ .*fail under ✓ \(7\.5 vs 7\)/)
    expect(result.stdout).toMatch(/dataset +golden/)
    expect(result.stdout).toMatch(/cost total +\$0\.0160 +\$0\.0120/)
    noSecrets(result)
  })

  it("eval --wait --json prints {run, gate} whatever the gates; a failed gate exits 1 and names the check", async () => {
    const [plain, gated] = await Promise.all([
      runBinary(["eval", "--agent", "support_bot", "--candidate-revision", "2", "--wait", "--json"], env()),
      runBinary(["eval", "--agent", "support_bot", "--candidate-revision", "2", "--fail-under", "0.8", "--max-regressions", "0", "--require-deploy", "--json"], env())
    ])
    expect(plain.code).toBe(0)
    const a = JSON.parse(plain.stdout) as { run: { status: string }; gate: { passed: boolean; checks: Array<{ name: string }> } }
    expect(Object.keys(a).sort()).toEqual(["deploy", "gate", "run", "samples"])
    expect(a.gate).toEqual({ passed: true, checks: [{ name: "completed", threshold: "COMPLETED", actual: "COMPLETED", passed: true }] })
    expect(gated.code).toBe(1)
    const b = JSON.parse(gated.stdout) as typeof a
    expect(Object.keys(b).sort()).toEqual(["deploy", "gate", "run", "samples"])
    expect(b.gate.passed).toBe(false)
    expect(b.gate.checks).toEqual([
      { name: "completed", threshold: "COMPLETED", actual: "COMPLETED", passed: true },
      { name: "fail_under", threshold: 8, actual: 7.5, passed: false },
      // The fake's sample 1: the candidate FAILED where the base answered, judged WORSE.
      { name: "max_regressions", threshold: 0, actual: 1, passed: false },
      { name: "require_deploy", threshold: "DEPLOY", actual: "HOLD", passed: false }
    ])
  })

  it("test --json prints the API's DraftTestResponse", async () => {
    const result = await runBinary(["test", "--agent", "support_bot", "--revision", "2", "--param", "question=\"hi\"", "--mode", "sandbox", "--json"], env())
    expect(result.code).toBe(0)
    const body = JSON.parse(result.stdout) as Record<string, unknown>
    expect(body.executionRecordId).toBe(EXECUTION)
    expect(body.status).toBe("COMPLETED")
    expect((body.trace as { traces: Array<unknown> }).traces).toHaveLength(1)
  })

  it("add skips a dataset that already holds the execution, and says so", async () => {
    const result = await runBinary(
      ["add", "--agent", "support_bot", "--execution", EXECUTION, "--dataset", "edge-cases", "--dataset", "golden", "--tag", "ci", "-o", "table"],
      env()
    )
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^added to golden: sample [0-9a-f-]{36}$/m)
    expect(result.stdout).toMatch(/^skipped edge-cases: already holds this execution/m)
  })

  it("run accepts a unique id prefix; --samples prints the per-sample table; the runs table fits 80 columns", async () => {
    const [run, runs] = await Promise.all([
      runBinary(["run", "--agent", "support_bot", "9a8b7c6d", "--samples", "-o", "table"], env()),
      runBinary(["runs", "--agent", "support_bot", "-o", "table"], env())
    ])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^run +9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d$/m)
    expect(run.stdout).toMatch(/^1 +2\.00 +WORSE +cand\. failed +COMPLETED +FAILED/m)
    expect(runs.code).toBe(0)
    for (const line of runs.stdout.trimEnd().split("\n")) expect(line.length).toBeLessThanOrEqual(80)
    expect(runs.stdout).toMatch(/^9a8b7c6d +COMPLETED/m)
  })

  it("--samples gives the judge's summary the terminal's width (COLUMNS), not a fixed 50 characters", async () => {
    const long = await runBinary(["run", "--agent", "support_bot", "9a8b7c6d", "--samples", "-o", "table"], { ...env(), COLUMNS: "200" })
    const narrow = await runBinary(["run", "--agent", "support_bot", "9a8b7c6d", "--samples", "-o", "table"], { ...env(), COLUMNS: "60" })
    expect(long.stdout).toMatch(/judge summary 1$/m)
    expect(narrow.stdout).not.toMatch(/judge summary 1$/m)
  })

  it("-o csv writes the per-sample table; -o ndjson streams progress events then done", async () => {
    const slow = await startFakeFruxon({ samples: 4, step: 1 })
    const [csv, ndjson] = await Promise.all([
      runBinary(["run", "--agent", "support_bot", "9a8b7c6d", "-o", "csv"], env()),
      runBinary(["eval", "--agent", "support_bot", "--candidate-revision", "2", "--wait", "-o", "ndjson"], { FRUXON_API_URL: slow.url })
    ]).finally(() => slow.close())
    const lines = csv.stdout.trimEnd().split("\n")
    expect(lines[0]).toBe(
      "sample_index,sample_id,score,assessment,regression,base_status,candidate_status,base_runtime_ms,candidate_runtime_ms,base_cost,candidate_cost,summary"
    )
    expect(lines).toHaveLength(5)
    expect(lines[2]).toMatch(/^1,[^,]+,2,WORSE,true,COMPLETED,FAILED,/)
    const events = ndjson.stdout.trimEnd().split("\n").map((line) => JSON.parse(line) as { type: string })
    expect(events.at(-1)).toMatchObject({ type: "done", gate: { passed: true } })
    expect(events.slice(0, -1).every((e) => e.type === "progress")).toBe(true)
    expect(events.filter((e) => e.type === "progress").length).toBeGreaterThanOrEqual(2)
    expect(events[0]).toMatchObject({ type: "progress", total: 4 })
  })

  it("an external candidate's run is named transient where it starts, and the follow command says it is not in history", async () => {
    const result = await runBinary(["eval", "--agent", "support_bot", "--external", "endpoint=http://127.0.0.1:9/agent", "-o", "table"], env())
    expect(result.code).toBe(0)
    expect(result.stderr).toContain("a transient run (external candidate): the server holds it in memory only, never in history")
    expect(result.stdout).toMatch(/^started run [0-9a-f-]{36} \(PENDING\)$/m)
    expect(result.stdout).toMatch(/transient, not in history\): fruxkit run --agent support_bot [0-9a-f-]{36} --wait/)
  })

  it("test -o ndjson streams start, a step per trace step, then done; a stale draft ends the stream with an error event (exit 13)", async () => {
    const [ok, stale] = await Promise.all([
      runBinary(["test", "--agent", "support_bot", "--revision", "2", "-o", "ndjson"], env()),
      runBinary(["test", "--agent", "support_bot", "--revision", "2", "--if-match", "1", "-o", "ndjson"], env())
    ])
    const events = ok.stdout.trimEnd().split("\n").map((line) => JSON.parse(line) as { type: string; name?: string; depth?: number })
    expect(events.map((e) => e.type)).toEqual(["start", "step", "step", "step", "done"])
    expect(events.slice(1, 4).map((e) => [e.name, e.depth])).toEqual([["answer", 0], ["classify", 1], ["lookup_order", 1]])
    expect(stale.code).toBe(13)
    const last = JSON.parse(stale.stdout.trimEnd().split("\n").at(-1)!) as { type: string; error: { code: string } }
    expect(last).toMatchObject({ type: "error", error: { code: "conflict", exit_code: 13 } })
  })
})
