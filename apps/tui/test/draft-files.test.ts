/**
 * The draft as a file, through the real `fruxkit` binary on the embedded
 * backend: pull → edit → push → test → evaluate → create revision → deploy,
 * and what happens when the head moved on (exit 13 with the diff, --force
 * that asks first, exit 16 without a terminal) or the file is invalid (12).
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createLocalBackend } from "@fruxkit/local"
import { runBinary } from "./run-binary.js"

const AGENT = "/v1/tenants/demo/agents/support_bot"
let dir: string

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fruxkit-draft-files-"))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"))
const writeJson = (file: string, value: unknown) => fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`)

/** Reads the data dir the binary wrote, after it exited (one process at a time on the file). */
const inBackend = async <A>(dataDir: string, use: (call: (method: string, url: string, body?: unknown) => Promise<any>) => Promise<A>): Promise<A> => {
  const backend = await createLocalBackend({ dataDir, seed: "demo" })
  try {
    return await use(async (method, url, body) => {
      const response = await backend.fetch(
        new Request(`http://local${url}`, { method, ...(body ? { body: JSON.stringify(body), headers: { "content-type": "application/json" } } : {}) })
      )
      return response.json()
    })
  } finally {
    await backend.close()
  }
}

// Each step is a child process loading the sources through tsx: seconds each on a busy machine.
describe("fruxkit draft … (the real binary, embedded backend)", { timeout: 240_000 }, () => {
  it("round trip: pull, edit, push, test, evaluate the draft, create a revision and deploy it", async () => {
    const env = { FRUXKIT_DATA_DIR: path.join(dir, "round-trip") }
    const file = path.join(dir, "agent.json")

    const pulled = await runBinary(["draft", "pull", "--agent", "support_bot", "-f", file], env)
    expect(pulled.code).toBe(0)
    const content = readJson(file)
    expect(content).toMatchObject({ agent: "support_bot", baseRevision: 2, headData: { flow: { steps: expect.any(Array) } } })
    expect(readJson(`${file}.fruxkit`)).toMatchObject({ tenant: "demo", agent: "support_bot", baseRevision: 2, version: 1 })

    content.headData.flow = { steps: [{ type: "template", id: "answer", template: "ROUNDTRIP {{question}}" }] }
    writeJson(file, content)
    const pushed = await runBinary(["draft", "push", "-f", file], env)
    expect(pushed.code).toBe(0)
    // Not a terminal: JSON on stdout (the CLI's agent mode).
    expect(JSON.parse(pushed.stdout)).toMatchObject({ version: 2, baseRevision: 2, wrote: true })
    expect(readJson(`${file}.fruxkit`).version).toBe(2)

    const tested = await runBinary(["draft", "test", "-f", file, "--param", "question=hi?", "-o", "ndjson"], env)
    expect(tested.code).toBe(0)
    const events = tested.stdout.trim().split("\n").map((line) => JSON.parse(line))
    expect(events[0]).toMatchObject({ type: "draft", version: 2, via: "unchanged" })
    expect(events.at(-1)).toMatchObject({ type: "result", status: "COMPLETED", response: "ROUNDTRIP hi?" })
    expect(events.filter((e) => e.type === "step").map((e) => e.stepType)).toEqual(["FLOW_STEP"])

    const comment = path.join(dir, "comment.md")
    const evaluated = await runBinary(["draft", "evaluate", "-f", file, "--dataset", "golden", "--fail-under", "0", "-o", "table", "--markdown", comment], env)
    expect(evaluated.code).toBe(0)
    expect(fs.readFileSync(comment, "utf8")).toContain("draft v2 of revision 2 passed every gate")
    expect(evaluated.stdout).toContain("draft v2 of support_bot revision 2")
    expect(evaluated.stdout).toMatch(/candidate +draft v2 of revision 2/)
    expect(evaluated.stdout).toMatch(/status +COMPLETED/)

    const refused = await runBinary(["revisions", "create", "-f", file, "--comment", "round trip", "--deploy"], env)
    expect(refused.code).toBe(16)
    expect(JSON.parse(refused.stderr).error).toMatchObject({ code: "interactive_required", exit_code: 16, hint: "pass --yes to confirm" })
    const created = await runBinary(["revisions", "create", "-f", file, "--comment", "round trip", "--deploy", "--yes", "--json"], env)
    expect(created.code).toBe(0)
    const answer = JSON.parse(created.stdout)
    expect(answer.revision).toMatchObject({ agentRevision: 3, comment: "round trip" })
    expect(answer.agent.currentRevision).toBe(3)

    // By agent instead of file: a version that is no longer the head creates nothing (13); the current head does.
    const staleVersion = await runBinary(["revisions", "create", "--agent", "support_bot", "--revision", "2", "--version", "1"], env)
    expect(staleVersion.code).toBe(13)
    expect(JSON.parse(staleVersion.stderr).error.message).toContain("no longer at version 1: nothing was created")
    const byAgent = await runBinary(["revisions", "create", "--agent", "support_bot", "--revision", "2", "--comment", "by agent"], env)
    expect(byAgent.code).toBe(0)
    expect(JSON.parse(byAgent.stdout).revision).toMatchObject({ agentRevision: 4, comment: "by agent", deployed: false })

    await inBackend(env.FRUXKIT_DATA_DIR, async (call) => {
      // The refused --deploy created nothing: revision 3 is the one created with --yes, 4 the one by agent.
      expect((await call("GET", `${AGENT}/revisions`)).map((r: any) => r.agentRevision).sort()).toEqual([1, 2, 3, 4])
      expect((await call("GET", AGENT)).currentRevision).toBe(3)
      const runs = await call("GET", `${AGENT}/evaluationRuns`)
      expect(runs.items[0]).toMatchObject({ candidateRevision: null, candidateBaseRevision: 2, candidateSnapshotSeqNo: 2, status: "COMPLETED" })
      expect((await call("POST", `${AGENT}:execute`, { parameters: { question: "shipped?" } })).response).toBe("ROUNDTRIP shipped?")
    })
  })

  it("a moved head: push and test exit 13 with what differs, --force asks (16 without a terminal), --yes overwrites; a changed file is pushed before it runs; an invalid file is 12", async () => {
    const env = { FRUXKIT_DATA_DIR: path.join(dir, "conflict") }
    const mine = path.join(dir, "mine.json")
    const theirs = path.join(dir, "theirs.json")
    expect((await runBinary(["draft", "pull", "--agent", "support_bot", "-f", mine], env)).code).toBe(0)
    fs.copyFileSync(mine, theirs)
    fs.copyFileSync(`${mine}.fruxkit`, `${theirs}.fruxkit`)

    const other = readJson(theirs)
    other.headData.reviewer = "their edit"
    writeJson(theirs, other)
    expect((await runBinary(["draft", "push", "-f", theirs], env)).code).toBe(0)

    const edited = readJson(mine)
    edited.headData.flow.steps[1].system = "My edit"
    writeJson(mine, edited)
    const stale = await runBinary(["draft", "push", "-f", mine], env)
    expect(stale.code).toBe(13)
    const conflict = JSON.parse(stale.stderr).error
    expect(conflict).toMatchObject({ code: "conflict", exit_code: 13 })
    expect(conflict.message).toContain("pulled at version 1, the head is at version 2")
    expect(conflict.message).toContain("~ $.headData.flow.steps[1].system")
    expect(conflict.message).toContain("+ $.headData.reviewer")
    const staleTest = await runBinary(["draft", "test", "-f", mine, "--param", "question=x"], env)
    expect(staleTest.code).toBe(13)

    const unconfirmed = await runBinary(["draft", "push", "-f", mine, "--force"], env)
    expect(unconfirmed.code).toBe(16)
    const forced = await runBinary(["draft", "push", "-f", mine, "--force", "--yes"], env)
    expect(forced.code).toBe(0)
    expect(JSON.parse(forced.stdout).version).toBe(3)

    // A file changed since its last push is pushed before it runs: the test runs that new head.
    const again = readJson(mine)
    again.headData.flow.steps[1].system = "My second edit"
    writeJson(mine, again)
    const pushedThenTested = await runBinary(["draft", "test", "-f", mine, "--param", "question=x", "-o", "ndjson"], env)
    expect(pushedThenTested.code).toBe(0)
    expect(JSON.parse(pushedThenTested.stdout.split("\n")[0]!)).toMatchObject({ type: "draft", version: 4, via: "pushed" })

    const invalid = path.join(dir, "invalid.json")
    writeJson(invalid, { agent: "support_bot", baseRevision: 2, headData: { parametersMetadata: [{ required: "yes" }] } })
    const checked = await runBinary(["draft", "validate", "-f", invalid, "-o", "table"], env)
    expect(checked.code).toBe(12)
    expect(checked.stderr).toContain("$.headData.parametersMetadata[0].name: is missing")
    expect(checked.stderr).toContain("$.headData.parametersMetadata[0].required: Expected boolean")
    const asJson = await runBinary(["draft", "validate", "-f", invalid], env)
    expect(asJson.code).toBe(12)
    expect(JSON.parse(asJson.stdout)).toMatchObject({ valid: false, errors: expect.arrayContaining([{ path: "$.headData.parametersMetadata[0].name", message: "is missing" }]) })

    await inBackend(env.FRUXKIT_DATA_DIR, async (call) => {
      const draft = await call("GET", `${AGENT}/revisions/2/draft`)
      expect(draft.version).toBe(4)
      expect(draft.headData.flow.steps[1].system).toBe("My second edit")
      expect(draft.headData.reviewer).toBeUndefined()
    })
  })
})
