/** @jsxImportSource hono/jsx */
/**
 * The web viewer, `/ui` on the gateway's one Hono app: agents, a run with its
 * charts and per-sample table, a sample's two outputs side by side, two runs
 * compared, a dataset's samples, and a running run filling in live.
 *
 * Pages are rendered on the server with `hono/jsx` (every value an agent, a
 * caller or a trace produced is text: JSX escapes it) and read the API through
 * the gateway's own `/v1` pipeline (see api.ts), so a page can show exactly
 * what the caller's key may read. With API keys configured the page asks for
 * a key once and keeps it in an HttpOnly, SameSite=Strict cookie scoped to
 * `/ui`. A strict Content-Security-Policy allows only the viewer's own
 * stylesheet and script.
 */
import { FruxonError, RunComparison, type EvaluationSample } from "@fruxkit/core"
import { Hono, type Context } from "hono"
import { deleteCookie, getCookie, setCookie } from "hono/cookie"
import type { Child } from "hono/jsx"
import { ViewerApi, type ApiFetch } from "./api.js"
import { isSameOrigin } from "./same-origin.js"
import { VIEWER_CSS, VIEWER_JS } from "./assets.js"
import { Layout, plural, uiPath } from "./layout.js"
import { AgentPage } from "./pages/agent.js"
import { AgentsPage, TenantPage } from "./pages/agents.js"
import { ComparePage } from "./pages/compare.js"
import { DatasetPage } from "./pages/dataset.js"
import { ExecutionPage, ExecutionsPage, RemoveSamplesPage } from "./pages/execution.js"
import { LoginPage } from "./pages/login.js"
import { RunPage, gateQueryOf, sampleViewOf } from "./pages/run.js"
import { SamplePage } from "./pages/sample.js"
import { SampleEditFailedPage, SampleEditPage } from "./pages/sample-edit.js"
import { addGroups, changeSample, groupFromForm, SampleEditRefused, tagsFromText, type EditOutcome, type SampleChange } from "./sample-edit.js"

export interface ViewerOptions {
  /** The gateway app's own fetch: pages read the API through it. */
  readonly api: ApiFetch
  /** Whether the gateway has API keys (then the viewer asks for one). */
  readonly keysRequired: boolean
  /** Where `/ui` opens when no tenant is given (the embedded backend's demo tenant); none: a form asks. */
  readonly defaultTenant?: string | undefined
  /** Where a page's unexpected failure is logged (its details are never shown on the page). */
  readonly logger?: { readonly error: (object: object, message: string) => void } | undefined
}

export const KEY_COOKIE = "fruxkit_viewer_key"

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'"
].join("; ")

const DATASET_SAMPLES_SHOWN = 500
const EXECUTIONS_SHOWN = 100

/** A page's own refusal (a sample index the run lacks, a compare without two runs): its message is shown. */
class PageError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    message: string
  ) {
    super(message)
  }
}

export interface Viewer {
  readonly app: Hono
  readonly close: () => Promise<void>
}

export const createViewer = (options: ViewerOptions): Viewer => {
  const api = new ViewerApi(options.api)
  const app = new Hono()

  app.use(async function securityHeaders(c, next) {
    await next()
    c.header("content-security-policy", CONTENT_SECURITY_POLICY)
    c.header("x-content-type-options", "nosniff")
    // same-origin, not no-referrer: under no-referrer a browser sends `Origin: null` even on a same-origin
    // form post, and the curate form's CSRF check needs the real origin. Other sites still get nothing.
    c.header("referrer-policy", "same-origin")
    c.header("x-frame-options", "DENY")
  })

  app.get("/assets/viewer.css", (c) => {
    c.header("cache-control", "public, max-age=3600")
    return c.body(VIEWER_CSS, 200, { "content-type": "text/css; charset=utf-8" })
  })
  app.get("/assets/viewer.js", (c) => {
    c.header("cache-control", "public, max-age=3600")
    return c.body(VIEWER_JS, 200, { "content-type": "text/javascript; charset=utf-8" })
  })

  // Every state-changing request from a browser — signing in and out included (a forged sign-in would
  // put the victim in the attacker's key, and everything they curate after into the attacker's tenant) —
  // must come from one of the viewer's own pages: Origin, or Referer when a browser sends no Origin.
  // The key cookie is SameSite=Strict as well; this refuses before anything is read or called.
  app.use("*", async function sameOriginPosts(c, next) {
    if (c.req.method !== "GET" && c.req.method !== "HEAD" && !isSameOrigin(c.req.url, c.req.header("origin"), c.req.header("referer"))) {
      throw new PageError(403, "refused: this form can only be sent from the viewer's own pages")
    }
    return next()
  })

  const keyOf = (c: Context): string | undefined => getCookie(c, KEY_COOKIE) || undefined
  const signedIn = (c: Context) => options.keysRequired && keyOf(c) !== undefined
  /** Only paths inside the viewer are followed after sign-in (no open redirect). */
  const safeNext = (next: string | undefined) => (next && /^\/ui(\/[^\\]*)?$/.test(next) && !next.startsWith("//") ? next : "/ui")

  app.get("/login", (c) => c.html(<LoginPage next={safeNext(c.req.query("next"))} />))
  app.post("/login", async (c) => {
    const form = await c.req.parseBody()
    const key = typeof form.key === "string" ? form.key.trim() : ""
    const next = safeNext(typeof form.next === "string" ? form.next : undefined)
    if (key === "") return c.html(<LoginPage next={next} message="Enter an API key." />, 400)
    setCookie(c, KEY_COOKIE, key, { httpOnly: true, sameSite: "Strict", path: "/ui", maxAge: 12 * 3600, secure: new URL(c.req.url).protocol === "https:" })
    return c.redirect(next, 303)
  })
  app.post("/logout", (c) => {
    deleteCookie(c, KEY_COOKIE, { path: "/ui" })
    return c.redirect("/ui/login", 303)
  })

  // Every page below needs a key when the gateway has keys.
  app.use("*", async function requireKey(c, next) {
    if (options.keysRequired && keyOf(c) === undefined && !c.req.path.startsWith("/ui/assets/")) {
      return c.redirect(`/ui/login?next=${encodeURIComponent(c.req.path)}`, 303)
    }
    return next()
  })

  app.onError((error, c) => {
    if (error instanceof FruxonError.Unauthorized) {
      deleteCookie(c, KEY_COOKIE, { path: "/ui" })
      return c.html(<LoginPage next={safeNext(c.req.path)} message="That API key is not valid here. Sign in again." />, 401)
    }
    const status =
      error instanceof PageError
        ? error.status
        : error instanceof FruxonError.Forbidden
          ? 403
          : error instanceof FruxonError.NotFound
            ? 404
            : error instanceof FruxonError.InvalidRequest
              ? 400
              : 502
    const title = status === 403 ? "Not allowed" : status === 404 ? "Not found" : status === 400 ? "Bad request" : status === 409 ? "Not changed" : "The API could not answer"
    // FruxonError messages are written to be shown and never hold a token; anything else is not shown.
    const shown = error instanceof PageError || error instanceof FruxonError.FruxonError
    const detail = shown ? error.message : "an unexpected error; see the gateway's log"
    if (!shown) options.logger?.error({ err: error, path: c.req.path }, "viewer page failed")
    return c.html(
      <Layout title={title} signedIn={signedIn(c)}>
        <h1>{title}</h1>
        <p class="error">{detail}</p>
        <p>
          <a href="/ui">Back to the start</a>
        </p>
      </Layout>,
      status
    )
  })

  const page = (c: Context, body: Child) => c.html(body as never)

  app.get("/", (c) =>
    options.defaultTenant !== undefined && c.req.query("choose") === undefined
      ? c.redirect(uiPath.tenant(options.defaultTenant), 302)
      : page(c, <TenantPage defaultTenant={options.defaultTenant} signedIn={signedIn(c)} />)
  )
  app.get("/tenant", (c) => {
    const tenant = (c.req.query("tenant") ?? "").trim()
    return tenant === "" ? c.redirect("/ui?choose", 303) : c.redirect(uiPath.tenant(tenant), 303)
  })

  app.get("/t/:tenant", async (c) => {
    const tenant = c.req.param("tenant")
    const agents = await api.client(keyOf(c)).listAgents({ tenant })
    return page(c, <AgentsPage tenant={tenant} agents={agents} signedIn={signedIn(c)} />)
  })

  app.get("/t/:tenant/agents/:agent", async (c) => {
    const { tenant, agent } = c.req.param()
    const client = api.client(keyOf(c))
    const [agentInfo, revisions, datasets, runsPage] = await Promise.all([
      client.getAgent({ tenant, agent }),
      client.listRevisions({ tenant, agent }),
      client.listDatasets({ tenant, agent }),
      client.listEvaluationRuns({ tenant, agent, pageSize: 100 })
    ])
    const draft = await client.getDraft({ tenant, agent, revision: agentInfo.currentRevision })
    return page(
      c,
      <AgentPage tenant={tenant} agent={agentInfo} revisions={revisions} draft={draft} datasets={datasets} runs={runsPage.data} signedIn={signedIn(c)} />
    )
  })

  app.get("/t/:tenant/agents/:agent/runs/:run", async (c) => {
    const { tenant, agent, run } = c.req.param()
    const { run: evaluationRun, samples, truncated } = await api.runWithSamples(keyOf(c), { tenant, agent, evaluationRun: run })
    const datasetName = evaluationRun.datasetId
      ? await api
          .client(keyOf(c))
          .getDataset({ tenant, agent, dataset: evaluationRun.datasetId })
          .then((d) => d.name || null)
          .catch(() => null)
      : null
    const gate = gateQueryOf((name) => c.req.query(name))
    // A gate that does not read is the request's fault: the page still shows the run, says why there is no verdict, and answers 400.
    if (gate.problem !== null) c.status(400)
    return page(
      c,
      <RunPage
        tenant={tenant}
        agent={agent}
        run={evaluationRun}
        datasetName={datasetName}
        samples={samples}
        truncated={truncated}
        view={sampleViewOf((name) => c.req.query(name))}
        gate={gate}
        signedIn={signedIn(c)}
      />
    )
  })

  app.get("/t/:tenant/agents/:agent/runs/:run/events", async (c) => {
    const { tenant, agent, run } = c.req.param()
    const answer = await api.events(keyOf(c), { tenant, agent, run }, c.req.header("last-event-id"))
    // The API's own stream (or its problem) as it is: same ids, so EventSource's reconnect resumes.
    return new Response(answer.body, { status: answer.status, headers: answer.headers })
  })

  app.get("/t/:tenant/agents/:agent/runs/:run/samples/:index", async (c) => {
    const { tenant, agent, run } = c.req.param()
    const index = Number(c.req.param("index"))
    const { samples } = await api.runWithSamples(keyOf(c), { tenant, agent, evaluationRun: run })
    const ordered = [...samples].sort((a, b) => a.sampleIndex - b.sampleIndex)
    const at = ordered.findIndex((s) => s.sampleIndex === index)
    if (at < 0) throw new PageError(404, `run ${run} has no sample ${c.req.param("index")}`)
    return page(
      c,
      <SamplePage
        tenant={tenant}
        agent={agent}
        runId={run}
        sample={ordered[at]!}
        previous={at > 0 ? ordered[at - 1]!.sampleIndex : null}
        next={at < ordered.length - 1 ? ordered[at + 1]!.sampleIndex : null}
        signedIn={signedIn(c)}
      />
    )
  })

  app.get("/t/:tenant/agents/:agent/compare", async (c) => {
    const { tenant, agent } = c.req.param()
    const base = c.req.query("base")
    const head = c.req.query("head")
    if (!base || !head) throw new PageError(400, "name two runs: ?base=RUN&head=RUN")
    const [a, b] = await Promise.all([
      api.runWithSamples(keyOf(c), { tenant, agent, evaluationRun: base }),
      api.runWithSamples(keyOf(c), { tenant, agent, evaluationRun: head })
    ])
    return page(c, <ComparePage tenant={tenant} agent={agent} comparison={RunComparison.compareRuns(a, b)} signedIn={signedIn(c)} />)
  })

  app.get("/t/:tenant/agents/:agent/datasets/:dataset", async (c) => {
    const { tenant, agent, dataset } = c.req.param()
    const client = api.client(keyOf(c))
    const info = await client.getDataset({ tenant, agent, dataset })
    const samples: Array<EvaluationSample> = []
    let more = false
    for await (const sample of client.listDatasetSamples({ tenant, agent, dataset, pageSize: 250 })) {
      if (samples.length >= DATASET_SAMPLES_SHOWN) {
        more = true
        break
      }
      samples.push(sample)
    }
    const changed = c.req.query("changed")
    const notice =
      changed === "tags" ? "Tags saved." : changed === "deleted" ? "Sample deleted." : changed === "restored" ? "The samples were added back." : undefined
    return page(c, <DatasetPage tenant={tenant} agent={agent} dataset={info} samples={samples} more={more} notice={notice} signedIn={signedIn(c)} />)
  })

  app.get("/t/:tenant/agents/:agent/executions", async (c) => {
    const { tenant, agent } = c.req.param()
    const records = await api.client(keyOf(c)).listExecutionRecords({ tenant, agent, pageSize: EXECUTIONS_SHOWN })
    return page(c, <ExecutionsPage tenant={tenant} agent={agent} records={records.data} signedIn={signedIn(c)} />)
  })

  app.get("/t/:tenant/agents/:agent/executions/:execution", async (c) => {
    const { tenant, agent, execution } = c.req.param()
    const client = api.client(keyOf(c))
    const ref = { tenant, agent, executionRecord: execution }
    const record = await client.getExecutionRecord(ref)
    // A record without a result or trace (still running, or never kept) is shown without them, not as an error.
    const [result, trace, datasets, samples] = await Promise.all([
      record.hasResult ? client.getExecutionRecordResult(ref).catch(() => null) : Promise.resolve(null),
      record.hasTrace ? client.getExecutionRecordTrace(ref).then((t) => t.trace).catch(() => null) : Promise.resolve(null),
      client.listDatasets({ tenant, agent }),
      client.listExecutionRecordSamples(ref)
    ])
    const added = Number(c.req.query("added"))
    const removed = Number(c.req.query("removed"))
    const notice =
      Number.isInteger(added) && added > 0
        ? `Added to ${plural(added, "dataset")}.`
        : Number.isInteger(removed) && removed > 0
          ? `Removed ${plural(removed, "sample")}.`
          : undefined
    return page(
      c,
      <ExecutionPage
        tenant={tenant}
        agent={agent}
        record={record}
        result={result}
        trace={trace}
        datasets={datasets}
        samples={samples}
        notice={notice}
        signedIn={signedIn(c)}
      />
    )
  })

  // A mutation from a browser: refused unless it comes from the viewer's own pages (sameOriginPosts above).
  app.post("/t/:tenant/agents/:agent/executions/:execution/datasets", async (c) => {
    const { tenant, agent, execution } = c.req.param()
    const form = await c.req.parseBody({ all: true })
    const datasetIds = [form.dataset ?? []].flat().filter((v): v is string => typeof v === "string")
    if (datasetIds.length === 0) throw new PageError(400, "choose at least one dataset")
    const quality = typeof form.quality === "string" ? form.quality : "UNSPECIFIED"
    const tags = (typeof form.tags === "string" ? form.tags : "")
      .split(",")
      .map((t) => t.trim())
      .filter((t) => t !== "")
    const created = await api.client(keyOf(c)).addToDatasets({ tenant, agent, executionRecord: execution, body: { datasetIds, quality: quality as never, tags } })
    return c.redirect(`${uiPath.execution(tenant, agent, execution)}?added=${created.length}`, 303)
  })

  // One curated sample: its tags, or its deletion — composed from the execution's samples (sample-edit.ts).
  const samplePath = "/t/:tenant/agents/:agent/executions/:execution/samples/:sample"
  app.get(samplePath, async (c) => {
    const { tenant, agent, execution, sample } = c.req.param()
    const client = api.client(keyOf(c))
    const [samples, datasets] = await Promise.all([client.listExecutionRecordSamples({ tenant, agent, executionRecord: execution }), client.listDatasets({ tenant, agent })])
    const found = samples.find((s) => s.id === sample)
    if (found === undefined) throw new PageError(404, `execution ${execution} has no sample ${sample} (a change re-creates an execution's samples with new ids)`)
    return page(c, <SampleEditPage tenant={tenant} agent={agent} execution={execution} sample={found} samples={samples} datasets={datasets} signedIn={signedIn(c)} />)
  })

  /** After a change: back to the dataset the sample was in, or the page that lists what is missing. */
  const afterChange = async (c: Context, ref: { tenant: string; agent: string; executionRecord: string }, returnTo: string, outcome: EditOutcome, done: string) => {
    const { tenant, agent, executionRecord } = ref
    if (outcome.missing.length === 0) {
      const back = returnTo === "" ? uiPath.execution(tenant, agent, executionRecord) : uiPath.dataset(tenant, agent, returnTo)
      return c.redirect(`${back}?changed=${done}`, 303)
    }
    const datasets = await api.client(keyOf(c)).listDatasets({ tenant, agent }).catch(() => [])
    const reason = outcome.failure instanceof FruxonError.FruxonError ? outcome.failure.message : "the API did not answer"
    if (!(outcome.failure instanceof FruxonError.FruxonError)) options.logger?.error({ err: outcome.failure, path: c.req.path }, "adding samples back failed")
    return c.html(
      <SampleEditFailedPage
        tenant={tenant}
        agent={agent}
        execution={executionRecord}
        returnTo={returnTo}
        saved={outcome.saved}
        missing={outcome.missing}
        datasets={datasets}
        reason={reason}
        signedIn={signedIn(c)}
      />,
      502
    )
  }

  const changeOne = (kind: SampleChange["kind"]) => async (c: Context) => {
    const param = (name: string) => c.req.param(name) ?? ""
    const [tenant, agent, execution, sample] = [param("tenant"), param("agent"), param("execution"), param("sample")]
    const ref = { tenant, agent, executionRecord: execution }
    const form = await c.req.parseBody()
    const change: SampleChange = kind === "delete" ? { kind } : { kind, tags: tagsFromText(typeof form.tags === "string" ? form.tags : "") }
    try {
      const { before, outcome } = await changeSample(api.client(keyOf(c)), ref, sample, change)
      return afterChange(c, ref, before.datasetId, outcome, kind === "delete" ? "deleted" : "tags")
    } catch (error) {
      throw error instanceof SampleEditRefused ? new PageError(409, error.message) : error
    }
  }
  app.post(`${samplePath}/tags`, changeOne("tags"))
  app.post(`${samplePath}/delete`, changeOne("delete"))

  // The retry after a failed add-back: exactly the groups the failure page listed.
  app.post("/t/:tenant/agents/:agent/executions/:execution/restore", async (c) => {
    const { tenant, agent, execution } = c.req.param()
    const form = await c.req.parseBody({ all: true })
    const raw = [form.group ?? []].flat()
    const groups = raw.map(groupFromForm)
    if (groups.length === 0 || groups.some((g) => g === undefined)) throw new PageError(400, "nothing to add back (the form was not the viewer's)")
    const returnTo = typeof form.return === "string" ? form.return : ""
    const ref = { tenant, agent, executionRecord: execution }
    const outcome = await addGroups(api.client(keyOf(c)), ref, groups as Array<NonNullable<(typeof groups)[number]>>)
    return afterChange(c, ref, returnTo, outcome, "restored")
  })

  app.get("/t/:tenant/agents/:agent/executions/:execution/remove", async (c) => {
    const { tenant, agent, execution } = c.req.param()
    const client = api.client(keyOf(c))
    const ref = { tenant, agent, executionRecord: execution }
    const [samples, datasets] = await Promise.all([client.listExecutionRecordSamples(ref), client.listDatasets({ tenant, agent })])
    if (samples.length === 0) return c.redirect(uiPath.execution(tenant, agent, execution), 303)
    return page(c, <RemoveSamplesPage tenant={tenant} agent={agent} execution={execution} samples={samples} datasets={datasets} signedIn={signedIn(c)} />)
  })

  app.post("/t/:tenant/agents/:agent/executions/:execution/remove", async (c) => {
    const { tenant, agent, execution } = c.req.param()
    const client = api.client(keyOf(c))
    const ref = { tenant, agent, executionRecord: execution }
    // Counted first only to say how many went; the DELETE itself removes whatever is there (204 even when none).
    const count = (await client.listExecutionRecordSamples(ref)).length
    await client.deleteExecutionRecordSamples(ref)
    return c.redirect(`${uiPath.execution(tenant, agent, execution)}?removed=${count}`, 303)
  })

  return { app, close: () => api.close() }
}
