/**
 * `fruxkit view`: the gateway's web viewer (`/ui`) for the gateway this CLI
 * talks to — the viewer's home, an agent's page, or a run's page. The URL is
 * always printed; it is opened in a browser only when a person is at a
 * terminal (not CI, not agent mode) and the machine has an opener.
 *
 * The viewer is served by a fruxkit gateway only: with the embedded backend
 * (no `--url`/`FRUXKIT_URL`) or the Fruxon API directly there is no page to
 * show, and that is a usage error (exit 2) that says how to start one.
 */
import { resolveConnection } from "../connection-settings.js"
import { print, printJson, type CommandDefinition } from "./command.js"
import { stringFlag } from "./command-line.js"
import { findBrowserOpener, openInBrowser } from "./browser-opener.js"
import { ExitCode, UsageError } from "./exit-codes.js"
import { resolveRunId } from "./run-id.js"

const START_HINT = "start the gateway with `pnpm start` (it prints `viewer: http://127.0.0.1:8787/ui`), then: fruxkit view --url http://127.0.0.1:8787 (or set FRUXKIT_URL)"

/** `<base>/ui` plus the page's path; a base with a path (behind a proxy) keeps it. */
export const viewerUrl = (base: string, page: ReadonlyArray<string>): string =>
  [base.replace(/\/+$/, ""), "ui", ...page.map(encodeURIComponent)].join("/")

export const viewCommand: CommandDefinition = {
  name: "view",
  summary: "Print the gateway's web viewer URL (a run's page with RUN) and open it in a browser at a terminal",
  usage: "fruxkit view [--agent ID] [RUN]",
  args: [{ name: "RUN", required: false, description: "An evaluation run to show (needs --agent): its id or a unique prefix" }],
  flags: { agent: { type: "string", value: "ID", description: "The agent whose page (or run) to show" } },
  jsonShape: "{url, opened}",
  examples: [
    { command: "fruxkit view --url http://127.0.0.1:8787", says: "the viewer's home page" },
    { command: "fruxkit view --agent support_bot 3f2a9c1e", says: "a run's page, by its short id" }
  ],
  run: async (context) => {
    const agent = stringFlag(context.values, "agent")
    const typed = context.positionals[0]
    if (typed !== undefined && agent === undefined) throw new UsageError("a run needs its agent: fruxkit view --agent ID RUN")
    // Decided from the flags alone: the embedded backend is not opened just to say it has no viewer.
    const settings = resolveConnection(
      { url: stringFlag(context.values, "url"), tenant: stringFlag(context.values, "tenant"), dataDir: stringFlag(context.values, "data-dir") },
      context.env
    )
    if (settings.mode === "embedded") {
      throw new UsageError("the embedded backend has no web viewer: the viewer is served by a fruxkit gateway", START_HINT)
    }
    if (settings.mode === "direct") {
      throw new UsageError(`the Fruxon API (${settings.baseUrl}) serves no fruxkit viewer: it is served by a fruxkit gateway`, START_HINT)
    }
    const page: Array<string> = []
    if (agent !== undefined) {
      page.push("t", settings.tenant, "agents", agent)
      if (typed !== undefined) {
        const { client } = await context.open()
        page.push("runs", await resolveRunId(client, { tenant: settings.tenant, agent }, typed))
      }
    }
    const url = viewerUrl(settings.baseUrl, page)
    const opener = context.output.agent ? undefined : findBrowserOpener(context.env)
    const opened = opener !== undefined && (await openInBrowser(opener, url))
    if (context.json) printJson(context, { url, opened })
    else print(context, url)
    return ExitCode.Ok
  }
}
