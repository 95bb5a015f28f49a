/**
 * Every row of the exit-code table, driven through the real binary: the
 * failures come from a stand-in Fruxon on loopback (401, 5xx, a dropped
 * connection), a closed port, the embedded backend, or the command line.
 * In CI mode every error is exactly one JSON line on stderr.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startFakeFruxon, type FakeFruxonOptions } from "@fruxkit/testkit"
import { runBinary } from "./run-binary.js"

const TOKEN = "jwt-that-must-never-print"
const servers: Array<{ url: string; close: () => Promise<void> }> = []
/**
 * A fake Fruxon; with `fault`, every request is answered with that status (a
 * problem+json carrying the request id the way a gateway sends it, in
 * X-Request-Id) or its connection is dropped before an answer ("reset").
 */
const serve = async (options: FakeFruxonOptions & { fault?: { status: number; requestId?: string } | "reset" }) => {
  const { fault, ...model } = options
  const server = await startFakeFruxon(model)
  if (fault === "reset") server.injectEvery(/./, { kind: "resetBeforeBody" })
  else if (fault !== undefined) {
    server.injectEvery(/./, {
      kind: "status",
      status: fault.status,
      body: { type: "about:blank", title: `Fault ${fault.status}`, status: fault.status, detail: "injected by the test" },
      headers: fault.requestId ? { "x-request-id": fault.requestId } : {}
    })
  }
  servers.push(server)
  return { FRUXON_API_URL: server.url, FRUXON_API_TOKEN: TOKEN, CI: "true" }
}
let scratch: string
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "fruxkit-exit-"))
})
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()))
  rmSync(scratch, { recursive: true, force: true })
})

interface Envelope {
  readonly error: { code: string; message: string; exit_code: number; hint?: string; status?: number; requestId?: string }
}

/** The CI-mode contract: nothing on stdout, exactly one JSON line on stderr, no stack trace, no token. */
const envelopeOf = (result: { stdout: string; stderr: string }): Envelope["error"] => {
  expect(result.stdout).toBe("")
  const lines = result.stderr.split("\n").filter(Boolean)
  expect(lines).toHaveLength(1)
  expect(result.stderr).not.toMatch(/\n\s+at /)
  expect(result.stderr).not.toContain(TOKEN)
  const envelope = JSON.parse(lines[0]!) as Envelope
  expect(Object.keys(envelope)).toEqual(["error"])
  return envelope.error
}

describe.concurrent("exit codes through the binary", { timeout: 60_000 }, () => {
  it("0: success", async () => {
    const result = await runBinary(["agents"], await serve({}))
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual([expect.objectContaining({ id: "support_bot" })])
  })

  it("1 gate_failed: a run below --fail-under, with the failing check in gate.checks (not an error envelope)", async () => {
    const result = await runBinary(["eval", "--agent", "support_bot", "--candidate-revision", "2", "--fail-under", "8"], await serve({ samples: 2, step: 2, score: 7.5 }))
    expect(result.code).toBe(1)
    expect(result.stderr).toBe("")
    const { gate } = JSON.parse(result.stdout) as { gate: { passed: boolean; checks: Array<{ name: string; passed: boolean }> } }
    expect(gate.passed).toBe(false)
    expect(gate.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(["fail_under"])
  })

  it("1 gate_failed: a run that ended FAILED fails the gate whatever the score", async () => {
    const result = await runBinary(["eval", "--agent", "support_bot", "--candidate-revision", "2", "--wait"], await serve({ samples: 2, step: 2, failRuns: true }))
    expect(result.code).toBe(1)
    expect((JSON.parse(result.stdout) as { gate: { checks: Array<unknown> } }).gate.checks[0]).toEqual({ name: "completed", threshold: "COMPLETED", actual: "FAILED", passed: false })
  })

  it("1 error: the embedded backend cannot open its data dir", async () => {
    const file = join(scratch, "not-a-dir")
    writeFileSync(file, "x")
    const result = await runBinary(["runs", "--agent", "support_bot", "--data-dir", join(file, "sub")], { CI: "1" })
    expect(result.code).toBe(1)
    expect(envelopeOf(result)).toMatchObject({ code: "error", exit_code: 1 })
  })

  it("2 usage: an unknown flag says what was meant", async () => {
    const result = await runBinary(["runs", "--agnt", "support_bot"], { CI: "1" })
    expect(result.code).toBe(2)
    expect(envelopeOf(result)).toEqual({
      code: "usage",
      message: "unknown option '--agnt' — did you mean --agent?",
      exit_code: 2,
      hint: "see fruxkit runs --help"
    })
  })

  it("2 usage: bad values and extra arguments are refused before anything is sent", async () => {
    const cases: Array<[Array<string>, RegExp]> = [
      [["evl"], /unknown command "evl" — did you mean eval\?/],
      [["runs", "--agent", "a", "--limit", "-3"], /--limit must be a whole number of at least 1, got "-3"/],
      [["runs", "--agent", "a", "--url", "notaurl"], /--url must be an http\(s\) URL/],
      [["run", "--agent", "a", "x1234567", "--fail-under", "11"], /--fail-under must be a number between 0 and 10, got "11"/],
      [["eval", "--agent", "a", "--external", "endpoint=http://127.0.0.1:1/x", "--external", "timeout_seconds=abc"], /timeout_seconds must be a positive number/],
      [["eval", "--agent", "a", "--external", "endpoint=http://127.0.0.1:1/x", "--external", "colour=red"], /--external colour: not a key/],
      [["runs", "--agent", "a", "extra"], /unexpected argument/],
      [["run", "--agent", "a", "x1234567", "y"], /unexpected argument/],
      [["runs", "--agent", "a", "-o", "xml"], /--output is one of json, ndjson, table, csv/]
    ]
    const results = await Promise.all(cases.map(([args]) => runBinary(args, { CI: "1" })))
    results.forEach((result, i) => {
      expect(result.code, cases[i]![0].join(" ")).toBe(2)
      const error = envelopeOf(result)
      expect(error.message).toMatch(cases[i]![1])
      expect(error.message).not.toMatch(/Expected|actual/)
    })
  })

  it("10 auth: 401 from the server", async () => {
    const result = await runBinary(["agents"], await serve({ fault: { status: 401, requestId: "req-401" } }))
    expect(result.code).toBe(10)
    expect(envelopeOf(result)).toMatchObject({ code: "auth", exit_code: 10, status: 401, requestId: "req-401", hint: expect.stringContaining("FRUXON_API_TOKEN") })
  })

  it("11 not_found: an agent that does not exist", async () => {
    const result = await runBinary(["runs", "--agent", "nobody"], await serve({}))
    expect(result.code).toBe(11)
    expect(envelopeOf(result)).toMatchObject({ code: "not_found", exit_code: 11, status: 404, message: expect.stringContaining('no agent "nobody"') })
  })

  it("12 validation: 422 from the server", async () => {
    const result = await runBinary(["agents"], await serve({ fault: { status: 422 } }))
    expect(result.code).toBe(12)
    expect(envelopeOf(result)).toMatchObject({ code: "validation", exit_code: 12, status: 422 })
  })

  it("13 conflict: 409 from the server", async () => {
    const result = await runBinary(["agents"], await serve({ fault: { status: 409 } }))
    expect(result.code).toBe(13)
    expect(envelopeOf(result)).toMatchObject({ code: "conflict", exit_code: 13, status: 409 })
  })

  it("14 server: 500 after the client's retries", async () => {
    const result = await runBinary(["agents"], await serve({ fault: { status: 500 } }))
    expect(result.code).toBe(14)
    expect(envelopeOf(result)).toMatchObject({ code: "server", exit_code: 14, status: 500 })
  })

  it("15 network: the connection is reset, or refused", async () => {
    const [reset, refused] = await Promise.all([
      runBinary(["agents"], await serve({ fault: "reset" })),
      runBinary(["agents"], { FRUXON_API_URL: "http://127.0.0.1:9", FRUXON_API_TOKEN: TOKEN, CI: "1" })
    ])
    expect(reset.code).toBe(15)
    expect(envelopeOf(reset)).toMatchObject({ code: "network", exit_code: 15 })
    expect(refused.code).toBe(15)
    expect(envelopeOf(refused)).toMatchObject({ code: "network", exit_code: 15 })
  })

  it("16 interactive_required: the UI without a terminal", async () => {
    const result = await runBinary(["--agent", "support_bot"], { CI: "1" })
    expect(result.code).toBe(16)
    expect(envelopeOf(result)).toMatchObject({ code: "interactive_required", exit_code: 16 })
  })
})
