/**
 * The draft side of the loop in the TUI, on the real embedded backend: the
 * agent screen shows the draft, the draft screen edits a prompt, meets a
 * moved head (reload offered), saves with the version guard, edits the
 * whole head in $EDITOR, evaluates the draft, and the finished run deploys it.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { waitForText } from "@fruxkit/testkit"
import { render } from "ink-testing-library"
import { createFruxonClient, type PromiseClient } from "@fruxkit/core"
import { createLocalBackend, type LocalBackend } from "@fruxkit/local"
import { App } from "../App.js"
import { keys } from "../../../test/render-app.js"

const ref = { tenant: "demo", agent: "support_bot" } as const
let dir: string
let backend: LocalBackend
let client: PromiseClient
let instance: ReturnType<typeof render> | undefined
const savedEditor = process.env.EDITOR

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fruxkit-tui-draft-"))
  backend = await createLocalBackend({ dataDir: path.join(dir, "data"), seed: "demo" })
  const embeddedFetch = ((input: string | URL | Request, init?: RequestInit) =>
    backend.fetch(input instanceof Request ? input : new Request(input, init))) as typeof fetch
  client = createFruxonClient({ baseUrl: "http://embedded.local", fetch: embeddedFetch })
})
afterEach(async () => {
  instance?.unmount()
  instance = undefined
  await client.close()
  await backend.close()
  if (savedEditor === undefined) delete process.env.EDITOR
  else process.env.EDITOR = savedEditor
  fs.rmSync(dir, { recursive: true, force: true })
})

const frame = () => instance?.lastFrame() ?? ""
const press = async (...sequence: Array<string>) => {
  for (const key of sequence) {
    instance!.stdin.write(key)
    await new Promise((resolve) => setTimeout(resolve, key === keys.escape ? 60 : 20))
  }
}
const waitFor = (text: string | RegExp, timeoutMs = 15_000): Promise<string> => waitForText(frame, text, { timeoutMs, intervalMs: 25 })

describe("the draft in the TUI (embedded backend)", { timeout: 60_000 }, () => {
  it("edits a prompt, reloads after a conflict, saves, edits in $EDITOR, evaluates the draft and deploys it", async () => {
    const api = { client, tenant: "demo", label: "embedded", polling: { initialDelay: 20, maxDelay: 100 } } as const
    instance = render(<App api={api} initialRoute={[{ screen: "agents" }, { screen: "agent", agentId: "support_bot" }]} size={{ columns: 120, rows: 36 }} />)
    await waitFor("draft on rev 2 v1")

    await press("d")
    await waitFor("draft on rev 2 · version 1")
    expect(frame()).toContain("answer system")
    expect(frame()).toContain("Be friendly and complete.")

    // Edit the system prompt in place.
    await press(keys.enter, "\x15", "You are Acme's support bot. Be warm and complete.", keys.enter)
    await waitFor("unsaved changes")

    // Someone else saves the draft meanwhile: the save is refused and a reload offered.
    const theirs = (await client.getDraft({ ...ref, revision: 2 }))!
    await client.saveDraft({ ...ref, revision: 2, ifMatch: theirs.version, body: { headData: { ...theirs.headData, note: "their edit" } } })
    await press("w")
    await waitFor("The draft changed on the server since version 1 was loaded: nothing was saved.")
    expect((await client.getDraft({ ...ref, revision: 2 }))!.headData.note).toBe("their edit")
    await press("R")
    await waitFor("version 2")
    expect(frame()).not.toContain("unsaved changes")

    await press(keys.enter, "\x15", "You are Acme's support bot. Be warm and complete.", keys.enter, "w")
    await waitFor("saved: version 3")
    const saved = (await client.getDraft({ ...ref, revision: 2 }))!
    expect((saved.headData.flow as any).steps[1].system).toBe("You are Acme's support bot. Be warm and complete.")
    expect(saved.headData.note).toBe("their edit")

    // The rest of the head through $EDITOR: a script stands in for the person typing.
    const editor = path.join(dir, "editor.mjs")
    fs.writeFileSync(
      editor,
      `import * as fs from "node:fs"\nconst file = process.argv[2]\nconst head = JSON.parse(fs.readFileSync(file, "utf8"))\nhead.reviewedBy = "editor"\nfs.writeFileSync(file, JSON.stringify(head))\n`
    )
    process.env.EDITOR = `${JSON.stringify(process.execPath)} ${JSON.stringify(editor)}`
    await press("o")
    await waitFor("edited in $EDITOR: w saves it")
    await press("w")
    await waitFor("saved: version 4")
    expect((await client.getDraft({ ...ref, revision: 2 }))!.headData.reviewedBy).toBe("editor")

    // Evaluate the draft: the run screen, a pinned head, and deploy when it passed.
    await press("E")
    await waitFor("Draft v4 of rev 2: passed", 30_000)
    expect(frame()).toContain("S save as revision · D deploy")
    // A draft run is kept in history (it names a pinned head), not transient.
    expect(frame()).not.toContain("Transient run")
    await press("S")
    await waitFor("saved as revision 3 (not deployed)")
    expect((await client.getAgent(ref)).currentRevision).toBe(1)
    await press("D")
    await waitFor("Deploy revision 3 to support_bot? y yes · Esc no")
    expect((await client.getAgent(ref)).currentRevision).toBe(1)
    await press("y")
    await waitFor("deployed: revision 3 is now the agent's current revision")
    const agent = await client.getAgent(ref)
    expect(agent.currentRevision).toBe(3)
    const revision = await client.getRevision({ ...ref, revision: 3 })
    expect((revision.flow as any).steps[1].system).toBe("You are Acme's support bot. Be warm and complete.")
    const runs = await client.listEvaluationRunsPage({ ...ref, query: { PageSize: 1 } })
    expect(runs.items[0]).toMatchObject({ candidateSnapshotSeqNo: 4, candidateBaseRevision: 2, status: "COMPLETED" })
  })

  it("evaluates the draft head from the agent screen (E, next to e) and opens its run", async () => {
    const api = { client, tenant: "demo", label: "embedded", polling: { initialDelay: 20, maxDelay: 100 } } as const
    instance = render(<App api={api} initialRoute={[{ screen: "agents" }, { screen: "agent", agentId: "support_bot" }]} size={{ columns: 120, rows: 36 }} />)
    await waitFor("draft on rev 2 v1")
    expect(frame()).toMatch(/e evaluate · d draft · E evaluate\s+draft/)
    await press("E")
    await waitFor(/Draft v1 of rev 2: (passed|not deployable)/, 30_000)
    const runs = await client.listEvaluationRunsPage({ ...ref, query: { PageSize: 1 } })
    expect(runs.items[0]).toMatchObject({ candidateRevision: null, candidateBaseRevision: 2, candidateSnapshotSeqNo: 1 })
  })
})
