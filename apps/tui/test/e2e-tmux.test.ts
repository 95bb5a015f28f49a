/**
 * End to end: the real binary in a real terminal (tmux, 80×24) against the
 * embedded backend on a fresh data dir with the demo seed. Open the agent,
 * test the draft, add the execution to `golden`, evaluate revision 2, wait for
 * the summary, and read the screen as a person would.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { waitForText } from "@fruxkit/testkit"
import { BINARY_ARGS, PACKAGE_DIR } from "./run-binary.js"

const session = `fruxkit-e2e-${process.pid}`
const ctrlCSession = `fruxkit-e2e-ctrlc-${process.pid}`
const dataDir = mkdtempSync(join(tmpdir(), "fruxkit-e2e-"))
const tmux = (...args: Array<string>) => execFileSync("tmux", args, { encoding: "utf8" })
const screen = (name = session) => tmux("capture-pane", "-p", "-t", name)
const press = async (key: string, name = session) => {
  tmux("send-keys", "-t", name, key)
  await new Promise((resolve) => setTimeout(resolve, 150))
}
const waitFor = (text: string | RegExp, timeoutMs = 45_000, name = session): Promise<string> =>
  waitForText(() => screen(name), text, { timeoutMs, intervalMs: 150 })

afterAll(() => {
  for (const name of [session, ctrlCSession]) {
    try {
      tmux("kill-session", "-t", name)
    } catch {
      // already gone: the app quit and the shell command ended
    }
  }
  rmSync(dataDir, { recursive: true, force: true })
})

describe("fruxkit in tmux against the embedded backend", () => {
  it("tests a draft, curates it into golden, evaluates revision 2 and shows the summary", async () => {
    const command = [process.execPath, ...BINARY_ARGS].map((part) => `'${part}'`).join(" ")
    tmux(
      "new-session", "-d", "-s", session, "-x", "80", "-y", "24", "-c", PACKAGE_DIR,
      // Env set inline so nothing from the test runner's shell decides the connection mode. CI=0: Ink
      // renders nothing but the last frame when it thinks it runs in CI, and CI runs this with CI=true.
      // FORCE_COLOR=1: chalk turns colour off when CI is set at all, even to 0.
      `env -u FRUXKIT_URL -u FRUXON_API_URL CI=0 FORCE_COLOR=1 FRUXKIT_DATA_DIR='${dataDir}' ${command}; echo "fruxkit exited $?"; sleep 30`
    )
    const agents = await waitFor("support_bot")
    expect(agents).toContain(`embedded ${dataDir}`.slice(-16))
    // At 80 columns the label keeps its mode and gives up the start of the path.
    expect(agents).toMatch(/ embedded (…|\/)\S+\n/)
    // Colours (the title is cyan) without NO_COLOR.
    expect(tmux("capture-pane", "-p", "-e", "-t", session)).toMatch(/\x1b\[(?:[\d;]*;)?3[0-8](?:;[\d;]*)?m/)

    await press("Enter")
    const agent = await waitFor("Revisions")
    expect(agent).toMatch(/golden +10 samples/)

    await press("t")
    await waitFor(/draft v\d+/)
    // Type the question as a person would, key by key (Ctrl-U clears the default first).
    await press("Enter")
    await press("C-u")
    tmux("send-keys", "-t", session, "-l", "Where can I find my invoice?")
    await press("Enter")
    await waitFor(/Question \* +Where can I find my invoice\?/)
    await press("r")
    const tested = await waitFor(/COMPLETED +cost \$[\d.]+ +duration/)
    expect(tested).toMatch(/Invoices are available/)
    expect(tested).toContain("Trace")

    await press("c")
    await waitFor("[ ] golden")
    await press("Space")
    await waitFor("[x] golden")
    for (const _ of [1, 2, 3, 4]) await press("Down")
    await press("Enter")
    await waitFor("✓ added to golden")
    await waitFor(/golden +11 samples +holds this execution/) // re-read after adding

    await press("Escape")
    await press("Escape")
    // Back on the agent, its datasets are read again: golden holds the new sample.
    await waitFor(/golden +11 samples/)
    await press("e")
    await waitFor("‹ golden (11 samples) ›")
    expect(screen()).toContain("‹ revision 2 ›")
    await press("r")
    const summary = await waitFor(/COMPLETED · score [\d.]+\s*\n→ \w+/, 60_000)
    expect(summary).toContain("11/11")
    expect(summary).toMatch(/11 samples · 11 judged( \(the candidate failed on \d+\))? · 0 not judged/)
    expect(summary).toContain("Score distribution")
    expect(summary).toContain("Assessments")
    expect(summary).toMatch(/runtime +base .+ candidate /)
    expect(summary).toMatch(/cost +base \$[\d.]+ .+candidate \$[\d.]+/)
    for (const line of summary.split("\n")) expect([...line.trimEnd()].length).toBeLessThanOrEqual(80)

    await press("Tab")
    await waitFor("Samples by score (lowest first)")
    // A resize: the frame follows the terminal (title bar to the new right edge, footer on one line).
    tmux("resize-window", "-t", session, "-x", "110", "-y", "30")
    const wide = await waitFor(/^fruxkit · support_bot · run [0-9a-f]{8} · COMPLETED {10,}.{20,}$/m)
    expect([...wide.split("\n")[0]!.trimEnd()]).toHaveLength(110)
    expect(wide).toMatch(/^D deploy · Tab section · ↑\/k up · ↓\/j down · s sort · Enter open · \? help · Esc back · q quit$/m)
    // The demo's story shows: revision 2 regressed on some samples, and they lead the table sorted by score.
    expect(wide).toMatch(/› #\d+ +\d\.\d\d +REGRESSED/)
    await press("q")
    const after = await waitFor("fruxkit exited 0")
    // The alternate screen is gone: nothing of the UI is left on the terminal.
    expect(after).not.toContain("Samples by score")
  }, 120_000)

  it("Ctrl-C leaves the terminal as it was: UI gone, line editing and echo back on", async () => {
    const command = [process.execPath, ...BINARY_ARGS].map((part) => `'${part}'`).join(" ")
    tmux(
      "new-session", "-d", "-s", ctrlCSession, "-x", "80", "-y", "24", "-c", PACKAGE_DIR,
      `env -u FRUXKIT_URL -u FRUXON_API_URL CI=0 FORCE_COLOR=1 NO_COLOR=1 FRUXKIT_DATA_DIR='${dataDir}' ${command}; echo "fruxkit exited $?"; stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo; sleep 30`
    )
    await waitFor("support_bot", 20_000, ctrlCSession)
    // NO_COLOR: not one colour in the frame, and the selection still shows (inverse).
    const styled = tmux("capture-pane", "-p", "-e", "-t", ctrlCSession)
    // (39/49 are tmux's own "default colour" after a reset: not a colour.)
    expect(styled).not.toMatch(/\x1b\[(?:[\d;]*;)?(3[0-8]|4[0-8]|9\d|10\d)(?:;[\d;]*)?m/)
    expect(styled).toMatch(/\x1b\[[\d;]*7m/)
    // Below the smallest workable size the real terminal gets a message, not a broken frame; it comes back on growing.
    tmux("resize-window", "-t", ctrlCSession, "-x", "50", "-y", "16")
    const small = await waitFor("Terminal too small: 50×16", 20_000, ctrlCSession)
    expect(small).not.toContain("agents of demo")
    tmux("resize-window", "-t", ctrlCSession, "-x", "80", "-y", "24")
    await waitFor("agents of demo", 20_000, ctrlCSession)
    await press("C-c", ctrlCSession)
    const after = await waitFor(/fruxkit exited \d+\n.*icanon/, 10_000, ctrlCSession)
    expect(after).not.toContain("support_bot")
    expect(after).toMatch(/^icanon echo\s*$/m)
  }, 60_000)
})
