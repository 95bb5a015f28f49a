/** What the commands write where, run in-process so stderr can pretend to be a terminal. */
import { Writable } from "node:stream"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli } from "../src/cli.js"
import { startFakeFruxon, type FakeFruxon } from "@fruxkit/testkit"

const sink = (isTTY: boolean) => {
  const chunks: Array<string> = []
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString())
        done()
      }
    }),
    { isTTY }
  )
  return { stream, text: () => chunks.join("") }
}

let fake: FakeFruxon
let server: { url: string; close: () => Promise<void> }
beforeAll(async () => {
  fake = await startFakeFruxon({ samples: 4, step: 1, score: 9 })
  server = fake
})
afterAll(async () => {
  await server.close()
})

describe("eval --wait", () => {
  it("draws progress on stderr when it is a terminal, and only the summary on stdout", async () => {
    const out = sink(true)
    const err = sink(true)
    const code = await runCli(["eval", "--agent", "support_bot", "--candidate-revision", "2", "--fail-under", "8"], {
      stdout: out.stream,
      stderr: err.stream,
      env: { FRUXON_API_URL: server.url }
    })
    expect(code).toBe(0)
    expect(err.text()).toMatch(/\[█+░+\] 1\/4 {2}elapsed/)
    expect(err.text()).toContain("\r\x1b[K")
    expect(out.text()).not.toContain("elapsed")
    expect(out.text()).toMatch(/gate +PASS: completed ✓ \(COMPLETED vs COMPLETED\), fail under ✓ \(9 vs 8\)/)
  })

  it("exits 1 when the run failed, whatever the score", async () => {
    const failing = await startFakeFruxon({ samples: 2, step: 2, failRuns: true })
    const out = sink(true)
    const err = sink(false)
    const code = await runCli(["eval", "--agent", "support_bot", "--candidate-revision", "2", "--wait"], {
      stdout: out.stream,
      stderr: err.stream,
      env: { FRUXON_API_URL: failing.url }
    })
    await failing.close()
    expect(code).toBe(1)
    expect(out.text()).toMatch(/status +FAILED/)
    expect(out.text()).toContain("the judge could not be reached")
    expect(err.text()).toBe("")
  })

  it("sends an external candidate's secret from the environment and never prints it", async () => {
    const out = sink(false)
    const err = sink(false)
    const code = await runCli(
      ["eval", "--agent", "support_bot", "--external", "endpoint=https://agent.example", "--external-env", "api_key=AGENT_KEY", "--json"],
      { stdout: out.stream, stderr: err.stream, env: { FRUXON_API_URL: server.url, AGENT_KEY: "sk-live-123" } }
    )
    expect(code).toBe(0)
    expect(fake.lastBody()).toEqual({ candidateExternalConfig: { parameters: { endpoint: "https://agent.example", api_key: "sk-live-123" } } })
    expect(out.text() + err.text()).not.toContain("sk-live-123")
    expect(JSON.parse(out.text())).toMatchObject({ status: "PENDING" })
  })
})

describe("run", () => {
  it("shows how far a running run has got", async () => {
    const slowServer = await startFakeFruxon({ samples: 10, step: 3 })
    const out = sink(false)
    const started = await runCli(["eval", "--agent", "support_bot", "--candidate-revision", "2", "--json"], {
      stdout: out.stream,
      stderr: sink(false).stream,
      env: { FRUXON_API_URL: slowServer.url }
    })
    const id = (JSON.parse(out.text()) as { id: string }).id
    const shown = sink(true)
    // The fake advances a run by 3 samples per read: this second read finds 3 of 10 done.
    await runCli(["run", "--agent", "support_bot", "--id", id], { stdout: sink(false).stream, stderr: sink(false).stream, env: { FRUXON_API_URL: slowServer.url } })
    const code = await runCli(["run", "--agent", "support_bot", "--id", id], { stdout: shown.stream, stderr: sink(false).stream, env: { FRUXON_API_URL: slowServer.url } })
    // The list does not advance the fake: the run is still at 3 of 10, its cell the rate and ETA.
    const listed = sink(false)
    const listCode = await runCli(["runs", "--agent", "support_bot", "-o", "table"], { stdout: listed.stream, stderr: sink(false).stream, env: { FRUXON_API_URL: slowServer.url } })
    await slowServer.close()
    expect(started).toBe(0)
    expect(code).toBe(0)
    expect(shown.text()).toMatch(/status +IN_PROGRESS/)
    expect(shown.text()).toMatch(/progress +\[█+░+\] 3\/10 {2}elapsed \S+ {2}[\d.]+\/s {2}eta \S+/)
    expect(listCode).toBe(0)
    expect(listed.text()).toMatch(/IN_PROGRESS +rev 2 +— +30% [\d.]+\/s eta \S+ /)
  })
})
