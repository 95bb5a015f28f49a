/**
 * Deciding on real runs of the embedded backend (a fresh data dir, the real
 * binary): JUnit read back by an XML parser and checked against the run,
 * the Markdown comment, compare on two runs, deploy refusing without --yes
 * and changing the current revision with it, cancel of a finished run (409).
 */
import { DOMParser } from "@xmldom/xmldom"
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { waitForText } from "@fruxkit/testkit"
import { BINARY_ARGS, PACKAGE_DIR, runBinary } from "./run-binary.js"

let dir: string
let env: Record<string, string>
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "fruxkit-decide-"))
  env = { FRUXKIT_DATA_DIR: join(dir, "data") }
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Sample {
  sampleId: string
  sampleIndex: number
  llmEvaluation: { score: number; overallAssessment: string } | null
  candidateRevisionResult: { status: string } | null
  baseRevisionResult: { status: string } | null
}
interface Outcome {
  run: { id: string; score: number; status: string; candidateRevision: number }
  gate: { passed: boolean; checks: Array<{ name: string; passed: boolean }> }
  samples: Array<Sample> | null
}

const json = <T>(text: string): T => JSON.parse(text) as T
const regressed = (s: Sample) =>
  ["REGRESSED", "WORSE", "FAILED"].includes(s.llmEvaluation?.overallAssessment ?? "") ||
  (s.candidateRevisionResult?.status === "FAILED" && s.baseRevisionResult?.status !== "FAILED")

describe("deciding on two real runs (embedded backend)", { timeout: 240_000 }, () => {
  it("eval writes JUnit and Markdown that agree with the run; compare joins the two runs per sample; cancel of a finished run is a conflict", async () => {
    const junitFile = join(dir, "results.xml")
    const markdownFile = join(dir, "comment.md")
    const a = await runBinary(["eval", "--agent", "support_bot", "--dataset", "golden", "--candidate-revision", "2", "--wait", "--junit", junitFile, "--markdown", markdownFile], env)
    expect(a.stderr).toBe("")
    const runA = json<Outcome>(a.stdout)
    expect(runA.run.status).toBe("COMPLETED")
    const shown = await runBinary(["run", "--agent", "support_bot", runA.run.id.slice(0, 8), "--samples"], env)
    const samples = json<Outcome>(shown.stdout).samples!
    expect(samples.length).toBeGreaterThan(0)

    // JUnit: a well-formed document (the parser throws on any error), one suite, the gate and one case per sample.
    const xml = readFileSync(junitFile, "utf8")
    const document = new DOMParser({ onError: (level, message) => { throw new Error(`${level}: ${message}`) } }).parseFromString(xml, "text/xml")
    const suites = document.getElementsByTagName("testsuite")
    expect(suites.length).toBe(1)
    const suite = suites[0]!
    const cases = Array.from(suite.getElementsByTagName("testcase"))
    expect(cases).toHaveLength(samples.length + 1)
    expect(cases[0]!.getAttribute("name")).toBe("gate")
    expect(Number(suite.getAttribute("tests"))).toBe(samples.length + 1)
    expect(Number(suite.getAttribute("failures"))).toBe(samples.filter(regressed).length + (runA.gate.passed ? 0 : 1))
    const byIndex = [...samples].sort((x, y) => x.sampleIndex - y.sampleIndex)
    cases.slice(1).forEach((testcase, i) => {
      const sample = byIndex[i]!
      expect(testcase.getAttribute("name")).toContain(`#${sample.sampleIndex} ${sample.sampleId}`)
      const properties = Object.fromEntries(Array.from(testcase.getElementsByTagName("property")).map((p) => [p.getAttribute("name"), p.getAttribute("value")]))
      expect(Number(properties.score)).toBe(sample.llmEvaluation!.score)
      expect(properties).toHaveProperty("candidate_runtime_ms")
      expect(properties).toHaveProperty("candidate_cost")
      expect(testcase.getElementsByTagName("failure").length).toBe(regressed(sample) ? 1 : 0)
    })
    const suiteProperties = Object.fromEntries(Array.from(suite.getElementsByTagName("properties")[0]!.getElementsByTagName("property")).map((p) => [p.getAttribute("name"), p.getAttribute("value")]))
    expect(suiteProperties.run).toBe(runA.run.id)
    expect(suiteProperties.dataset).toBe("golden")

    // Markdown: verdict, the gate table, the distribution table; within GitHub's limit.
    const markdown = readFileSync(markdownFile, "utf8")
    expect(markdown.length).toBeLessThanOrEqual(65_536)
    expect(markdown).toMatch(runA.gate.passed ? /✅ \*\*PASS\*\*/ : /❌ \*\*FAIL\*\*/)
    expect(markdown).toContain("| gate check | threshold | actual | |")
    expect(markdown).toMatch(/\| runtime total \| .+ \| .+ \|/)
    expect(markdown).toContain(`Run \`${runA.run.id}\` · dataset golden`)

    const b = await runBinary(["eval", "--agent", "support_bot", "--dataset", "golden", "--candidate-revision", "1", "--wait"], env)
    const runB = json<Outcome>(b.stdout)
    const compared = await runBinary(["compare", "--agent", "support_bot", runB.run.id.slice(0, 8), runA.run.id], env)
    expect(compared.code).toBe(0)
    const comparison = json<{
      base: { id: string }
      head: { id: string }
      summary: { improved: number; regressed: number; unchanged: number; onlyInBase: number; onlyInHead: number }
      samples: Array<{ sampleId: string; base: { score: number } | null; head: { score: number } | null; delta: number | null }>
    }>(compared.stdout)
    expect(comparison.base.id).toBe(runB.run.id)
    expect(comparison.head.id).toBe(runA.run.id)
    expect(comparison.samples).toHaveLength(samples.length)
    const { improved, regressed: worse, unchanged, onlyInBase, onlyInHead } = comparison.summary
    expect(improved + worse + unchanged + onlyInBase + onlyInHead).toBe(samples.length)
    for (const row of comparison.samples) {
      const headSample = samples.find((s) => s.sampleId === row.sampleId)!
      expect(row.head!.score).toBe(headSample.llmEvaluation!.score)
      expect(row.delta).toBeCloseTo(row.head!.score - row.base!.score, 9)
    }

    const cancel = await runBinary(["cancel", "--agent", "support_bot", runA.run.id.slice(0, 8)], { ...env, CI: "1" })
    expect(cancel.code).toBe(13)
    expect(json<{ error: { code: string } }>(cancel.stderr).error.code).toBe("conflict")
  })

  it("deploy asks: without --yes and no terminal it exits 16 and nothing changes; eval --deploy-if-passed --yes and deploy --yes change the current revision", async () => {
    const own = { FRUXKIT_DATA_DIR: join(dir, "deploy") }
    const current = async () => json<Array<{ id: string; currentRevision: number }>>((await runBinary(["agents"], own)).stdout).find((a) => a.id === "support_bot")!.currentRevision
    expect(await current()).toBe(1)
    const refused = await runBinary(["deploy", "--agent", "support_bot", "--revision", "2"], { ...own, CI: "true" })
    expect(refused.code).toBe(16)
    expect(json<{ error: { code: string; hint: string } }>(refused.stderr).error).toMatchObject({ code: "interactive_required", hint: expect.stringContaining("--yes") })
    expect(await current()).toBe(1)
    const refusedToo = await runBinary(["eval", "--agent", "support_bot", "--candidate-revision", "2", "--deploy-if-passed"], { ...own, CI: "true" })
    expect(refusedToo.code).toBe(16)
    // eval --deploy-if-passed --yes: the gate (the run completed) passed, so revision 2 ships.
    const shipped = await runBinary(["eval", "--agent", "support_bot", "--candidate-revision", "2", "--deploy-if-passed", "--yes"], { ...own, CI: "true" })
    expect(shipped.code).toBe(0)
    expect(json<{ gate: { passed: boolean }; deploy: unknown }>(shipped.stdout)).toMatchObject({
      gate: { passed: true },
      deploy: { deployed: true, previousRevision: 1, currentRevision: 2, reason: "gate_passed" }
    })
    expect(await current()).toBe(2)
    const deployed = await runBinary(["deploy", "--agent", "support_bot", "--revision", "1", "--yes"], own)
    expect(deployed.code).toBe(0)
    expect(json(deployed.stdout)).toEqual({ agent: "support_bot", previousRevision: 2, currentRevision: 1, deployed: true })
    expect(await current()).toBe(1)
  })

  it("deploy at a terminal (tmux) asks y/N on the bundled binary; y deploys", async () => {
    const own = { FRUXKIT_DATA_DIR: join(dir, "asked") }
    const session = `fruxkit-asked-${process.pid}`
    const command = [process.execPath, ...BINARY_ARGS].map((part) => `'${part}'`).join(" ")
    try {
      execFileSync("tmux", [
        "new-session", "-d", "-s", session, "-x", "120", "-y", "10", "-c", PACKAGE_DIR,
        `env -u CI -u FRUXKIT_AGENT_MODE -u FRUXON_AGENT_MODE -u CLAUDECODE -u FRUXKIT_URL -u FRUXON_API_URL FRUXKIT_DATA_DIR='${own.FRUXKIT_DATA_DIR}' ${command} deploy --agent support_bot --revision 2; echo "deploy exited $?"; sleep 30`
      ])
      const screen = () => execFileSync("tmux", ["capture-pane", "-p", "-t", session], { encoding: "utf8" })
      await waitForText(screen, "[y/N]", { timeoutMs: 60_000 })
      execFileSync("tmux", ["send-keys", "-t", session, "y", "Enter"])
      expect(await waitForText(screen, /deploy exited \d+/, { timeoutMs: 30_000 })).toContain("deploy exited 0")
    } finally {
      execFileSync("tmux", ["kill-session", "-t", session])
    }
    const agents = json<Array<{ id: string; currentRevision: number }>>((await runBinary(["agents"], own)).stdout)
    expect(agents.find((a) => a.id === "support_bot")!.currentRevision).toBe(2)
  })

  it("an external candidate on the embedded backend is waited for (its transient run ends with the process), and no dead command is printed", async () => {
    const own = { FRUXKIT_DATA_DIR: join(dir, "transient"), CI: "1" }
    const result = await runBinary(["eval", "--agent", "support_bot", "--dataset", "golden", "--external", "endpoint=http://127.0.0.1:9/agent"], own)
    expect(result.stderr).toContain("a transient run (external candidate) on the embedded backend lives only as long as this command: fruxkit waits for it")
    const outcome = json<Outcome>(result.stdout)
    expect(outcome.run.candidateRevision).toBeNull()
    expect(["COMPLETED", "FAILED"]).toContain(outcome.run.status)
    expect(result.stdout + result.stderr).not.toContain("fruxkit run ")
  })
})
