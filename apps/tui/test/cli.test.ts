/** The scriptable commands as CI runs them: real child processes, their output and their exit codes. */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { EXECUTION } from "./fake-fruxon.js"
import { createFakeFruxon, serveFake } from "./fake-fruxon.js"
import { runBinary } from "./run-binary.js"

let server: { url: string; close: () => Promise<void> }
const TOKEN = "jwt-that-must-never-print"
const env = () => ({ FRUXON_API_URL: server.url, FRUXON_API_TOKEN: TOKEN })

beforeAll(async () => {
  server = await serveFake(createFakeFruxon({ samples: 4, step: 4, score: 7.5 }))
})
afterAll(async () => {
  await server.close()
})

const noSecrets = (result: { stdout: string; stderr: string }) => {
  expect(result.stdout).not.toContain(TOKEN)
  expect(result.stderr).not.toContain(TOKEN)
}

// Each child process loads the sources through tsx: seconds each on a busy 2-core machine, hence the long timeout.
describe.concurrent("fruxkit commands (child processes)", { timeout: 90_000 }, () => {
  it("--help explains the three connection modes and the exit codes", async () => {
    const result = await runBinary(["--help"])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain("--url URL or FRUXKIT_URL, with FRUXKIT_API_KEY")
    expect(result.stdout).toContain("FRUXON_API_URL with FRUXON_API_TOKEN")
    expect(result.stdout).toContain("the embedded backend, in-process, on FRUXKIT_DATA_DIR")
    expect(result.stdout).toMatch(/3 {2}the API could not be reached/)
  })

  it("eval --wait --fail-under exits 0 at or above the threshold and prints the summary table", async () => {
    const result = await runBinary(["eval", "--agent", "support_bot", "--dataset", "golden", "--candidate-revision", "2", "--wait", "--fail-under", "0.7"], env())
    expect(result.stderr).toBe("") // not a terminal: no progress
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/score +7\.50 of 10 \(threshold 7\.00 → PASS\)/)
    expect(result.stdout).toMatch(/cost total +\$0\.0160 +\$0\.0120/)
    expect(result.stdout).toContain("Drops the order number in one answer")
    noSecrets(result)
  })

  it("eval --fail-under exits 1 below the threshold", async () => {
    const result = await runBinary(["eval", "--agent", "support_bot", "--candidate-revision", "2", "--fail-under", "0.8"], env())
    expect(result.code).toBe(1)
    expect(result.stdout).toContain("(threshold 8.00 → BELOW)")
  })

  it("exits 2 on a usage error and says why", async () => {
    const result = await runBinary(["eval", "--agent", "support_bot", "--candidate-revision", "two"], env())
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("--candidate-revision must be a whole number")
    expect(result.stdout).toBe("")
  })

  it("exits 3 when the API cannot be reached, without a stack trace or the token", async () => {
    const result = await runBinary(["runs", "--agent", "support_bot"], { FRUXON_API_URL: "http://127.0.0.1:9", FRUXON_API_TOKEN: TOKEN })
    expect(result.code).toBe(3)
    expect(result.stderr).toContain("Could not reach the API")
    expect(result.stderr).not.toMatch(/\n\s+at /)
    noSecrets(result)
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
    const result = await runBinary(["add", "--agent", "support_bot", "--execution", EXECUTION, "--dataset", "edge-cases", "--dataset", "golden", "--tag", "ci"], env())
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^added to golden: sample [0-9a-f-]{36}$/m)
    expect(result.stdout).toMatch(/^skipped edge-cases: already holds this execution/m)
  })

  it("an API error prints its problem title and detail and exits 1", async () => {
    const result = await runBinary(["run", "--agent", "nobody", "--id", "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"], env())
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('fruxkit run: Agent not found (404): no agent "nobody" in tenant demo\n')
  })

  it("run --samples prints the run and its per-sample table; runs --json prints EvaluationRun objects", async () => {
    const [run, runs] = await Promise.all([
      runBinary(["run", "--agent", "support_bot", "--id", "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", "--samples"], env()),
      runBinary(["runs", "--agent", "support_bot", "--json", "--limit", "1"], env())
    ])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^1 +2\.00 +WORSE +cand\. failed +COMPLETED +FAILED/m)
    expect(runs.code).toBe(0)
    const list = JSON.parse(runs.stdout) as Array<Record<string, unknown>>
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ agentId: "support_bot", status: expect.any(String) })
  })
})
