/** @jsxImportSource hono/jsx */
import { RunComparison, RunGate, isTerminalRunStatus, type EvaluationRun, type EvaluationRunSampleResult } from "@fruxkit/core"
import { BarChart } from "../charts.js"
import { Layout, change, formatCost, formatMs, formatScore, formatTime, plural, toneOfAssessment, toneOfStatus, uiPath } from "../layout.js"

/** How the sample table is ordered and narrowed: all of it in the URL, so a view is a link to share. */
export interface SampleView {
  readonly sort: "index" | "score" | "delta" | "runtime" | "cost"
  readonly order: "asc" | "desc"
  readonly filter: "all" | "improved" | "regressed" | "equivalent" | "failed"
  readonly q: string
  readonly page: number
}

export const PAGE_ROWS = 250

const SORTS = ["index", "score", "delta", "runtime", "cost"] as const
const FILTERS = ["all", "improved", "regressed", "equivalent", "failed"] as const

export const sampleViewOf = (query: (name: string) => string | undefined): SampleView => {
  const pick = <T extends string>(value: string | undefined, allowed: ReadonlyArray<T>, fallback: T): T =>
    (allowed as ReadonlyArray<string>).includes(value ?? "") ? (value as T) : fallback
  const page = Number.parseInt(query("page") ?? "1", 10)
  return {
    sort: pick(query("sort"), SORTS, "index"),
    order: pick(query("order"), ["asc", "desc"] as const, "asc"),
    filter: pick(query("filter"), FILTERS, "all"),
    q: (query("q") ?? "").slice(0, 200),
    page: Number.isSafeInteger(page) && page > 0 ? page : 1
  }
}

const failed = (s: EvaluationRunSampleResult) =>
  s.candidateRevisionResult === null || s.candidateRevisionResult.status === "FAILED" || s.llmEvaluation === null

/** Which bucket a sample falls in for the filter (the judge's verdict; a regression as core reads it). */
export const sampleOutcome = (s: EvaluationRunSampleResult): "improved" | "regressed" | "equivalent" | "failed" => {
  if (failed(s)) return "failed"
  if (RunComparison.isRegression(s)) return "regressed"
  return toneOfAssessment(s.llmEvaluation?.overallAssessment) === "good" ? "improved" : "equivalent"
}

const runtimeDelta = (s: EvaluationRunSampleResult) => (s.systemEvaluation ? s.systemEvaluation.candidateRuntimeMs - s.systemEvaluation.baseRuntimeMs : 0)
const costDelta = (s: EvaluationRunSampleResult) => (s.systemEvaluation ? s.systemEvaluation.candidateCost - s.systemEvaluation.baseCost : 0)
const outcomeRank = { regressed: 0, failed: 1, equivalent: 2, improved: 3 }

const sortKey: Record<SampleView["sort"], (s: EvaluationRunSampleResult) => number> = {
  index: (s) => s.sampleIndex,
  score: (s) => s.llmEvaluation?.score ?? -1,
  delta: (s) => outcomeRank[sampleOutcome(s)],
  runtime: runtimeDelta,
  cost: costDelta
}

const searchable = (s: EvaluationRunSampleResult): string =>
  `${JSON.stringify(s.parameters)}\n${s.baseRevisionResult?.response ?? ""}\n${s.candidateRevisionResult?.response ?? ""}`.toLowerCase()

export interface SampleTable {
  readonly rows: ReadonlyArray<EvaluationRunSampleResult>
  /** Samples passing the filter and search, over every page. */
  readonly matching: number
  readonly page: number
  readonly pages: number
}

export const viewSamples = (samples: ReadonlyArray<EvaluationRunSampleResult>, view: SampleView): SampleTable => {
  const q = view.q.toLowerCase()
  const matching = samples.filter((s) => (view.filter === "all" || sampleOutcome(s) === view.filter) && (q === "" || searchable(s).includes(q)))
  const key = sortKey[view.sort]
  const sign = view.order === "asc" ? 1 : -1
  const sorted = [...matching].sort((a, b) => sign * (key(a) - key(b)) || a.sampleIndex - b.sampleIndex)
  const pages = Math.max(1, Math.ceil(sorted.length / PAGE_ROWS))
  const page = Math.min(view.page, pages)
  return { rows: sorted.slice((page - 1) * PAGE_ROWS, page * PAGE_ROWS), matching: sorted.length, page, pages }
}

/**
 * The gates a run page is asked to judge, from its URL (`failUnder`,
 * `maxRegressions`, `requireDeploy`): read as strictly as the CLI's flags, so
 * a link shows the verdict `fruxkit eval --fail-under …` would give. An empty
 * field is no gate (what the form sends for a box left blank); anything else
 * that does not read is a `problem` and no verdict is shown.
 */
export interface GateQuery {
  /** The raw values, carried on in every link of the page. */
  readonly raw: { readonly failUnder: string; readonly maxRegressions: string; readonly requireDeploy: string }
  readonly options: RunGate.GateOptions
  readonly problem: string | null
}

export const GATE_PARAMS = ["failUnder", "maxRegressions", "requireDeploy"] as const

export const gateQueryOf = (query: (name: string) => string | undefined): GateQuery => {
  const raw = { failUnder: (query("failUnder") ?? "").trim(), maxRegressions: (query("maxRegressions") ?? "").trim(), requireDeploy: (query("requireDeploy") ?? "").trim() }
  const problems: Array<string> = []
  let failUnder: number | undefined
  if (raw.failUnder !== "") {
    const value = /^\d+(\.\d+)?$/.test(raw.failUnder) ? Number(raw.failUnder) : Number.NaN
    if (Number.isFinite(value) && value <= RunGate.JUDGE_SCORE_SCALE) failUnder = value
    else problems.push(`failUnder must be a number from 0 to ${RunGate.JUDGE_SCORE_SCALE} (0–1: a fraction of the judge's scale; above 1: a score), not "${raw.failUnder.slice(0, 40)}"`)
  }
  let maxRegressions: number | undefined
  if (raw.maxRegressions !== "") {
    const value = /^\d{1,9}$/.test(raw.maxRegressions) ? Number(raw.maxRegressions) : Number.NaN
    if (Number.isSafeInteger(value)) maxRegressions = value
    else problems.push(`maxRegressions must be a whole number of samples, 0 or more, not "${raw.maxRegressions.slice(0, 40)}"`)
  }
  let requireDeploy = false
  if (raw.requireDeploy !== "") {
    if (["1", "true", "on"].includes(raw.requireDeploy)) requireDeploy = true
    else if (!["0", "false", "off"].includes(raw.requireDeploy)) problems.push(`requireDeploy must be 1 or 0, not "${raw.requireDeploy.slice(0, 40)}"`)
  }
  return { raw, options: { failUnder, maxRegressions, requireDeploy }, problem: problems.length ? problems.join("; ") : null }
}

const formatGateValue = (value: number | string | null): string =>
  value === null ? "—" : typeof value === "number" ? (Number.isInteger(value) ? String(value) : formatScore(value)) : value

/** The verdict (a finished run only) with each check, and the form that sets the gates in the URL. */
const GateSection = (props: { run: EvaluationRun; samples: ReadonlyArray<EvaluationRunSampleResult>; gate: GateQuery; action: string; view: SampleView }) => {
  const { run, gate } = props
  const verdict = gate.problem === null && isTerminalRunStatus(run.status) ? RunGate.evaluateGate(run, gate.options, props.samples) : null
  return (
    <section data-gate>
      <h2>
        {"Gate "}
        {verdict ? (
          <span class={`badge ${verdict.passed ? "good" : "bad"}`} data-gate-verdict>
            {verdict.passed ? "PASS" : "FAIL"}
          </span>
        ) : null}
      </h2>
      {gate.problem !== null ? (
        <p class="error" data-gate-error>
          {`No verdict: ${gate.problem}.`}
        </p>
      ) : verdict === null ? (
        <p class="muted">the verdict shows when the run finishes</p>
      ) : (
        <div class="scroll">
        <table data-gate-checks>
          <thead>
            <tr>
              <th>check</th>
              <th>threshold</th>
              <th>actual</th>
              <th>result</th>
            </tr>
          </thead>
          <tbody>
            {verdict.checks.map((c) => (
              <tr data-gate-check={c.name} data-passed={String(c.passed)}>
                <td>{c.name.replace(/_/g, " ")}</td>
                <td>{formatGateValue(c.threshold)}</td>
                <td>{formatGateValue(c.actual)}</td>
                <td class={c.passed ? "good" : "bad"}>{c.passed ? "✓ pass" : "✗ fail"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
      <p class="muted">{`recommendation: ${run.deploymentRecommendation ?? "—"}`}</p>
      <form method="get" action={props.action} class="inline" data-gate-form>
        <input type="text" inputmode="decimal" name="failUnder" value={gate.raw.failUnder} placeholder="fail under (0.8 or 8)" aria-label="fail under" size={12} />
        <input type="text" inputmode="numeric" name="maxRegressions" value={gate.raw.maxRegressions} placeholder="max regressions" aria-label="max regressions" size={12} />
        <label>
          <input type="checkbox" name="requireDeploy" value="1" checked={gate.options.requireDeploy === true} />
          {" require DEPLOY"}
        </label>
        {props.view.sort !== "index" ? <input type="hidden" name="sort" value={props.view.sort} /> : null}
        {props.view.order !== "asc" ? <input type="hidden" name="order" value={props.view.order} /> : null}
        {props.view.filter !== "all" ? <input type="hidden" name="filter" value={props.view.filter} /> : null}
        {props.view.q !== "" ? <input type="hidden" name="q" value={props.view.q} /> : null}
        <button type="submit">Gate</button>
      </form>
    </section>
  )
}

/** The first input value as text: what a person recognises a sample by. */
export const firstInput = (parameters: Readonly<Record<string, unknown>>): string => {
  const first = Object.values(parameters)[0]
  const text = typeof first === "string" ? first : first === undefined ? "" : JSON.stringify(first)
  return text.length > 120 ? `${text.slice(0, 119)}…` : text
}

export interface RunPageProps {
  readonly tenant: string
  readonly agent: string
  readonly run: EvaluationRun
  readonly datasetName: string | null
  readonly samples: ReadonlyArray<EvaluationRunSampleResult>
  readonly truncated: boolean
  readonly view: SampleView
  readonly gate: GateQuery
  readonly signedIn: boolean
}

export const RunPage = (props: RunPageProps) => {
  const { tenant, agent, run, view } = props
  const summary = run.summary
  const progress = run.progress ?? (summary ? { totalSamples: summary.totalSamples, completedSamples: summary.successfulEvaluations + summary.failedEvaluations, failedSamples: summary.failedEvaluations } : null)
  const pct = progress && progress.totalSamples > 0 ? Math.round((100 * progress.completedSamples) / progress.totalSamples) : isTerminalRunStatus(run.status) ? 100 : 0
  const live = !isTerminalRunStatus(run.status)
  const here = uiPath.run(tenant, agent, run.id)
  const table = viewSamples(props.samples, view)
  const link = (changes: Partial<SampleView>) => {
    const next = { ...view, ...changes }
    const params = new URLSearchParams()
    if (next.sort !== "index") params.set("sort", next.sort)
    if (next.order !== "asc") params.set("order", next.order)
    if (next.filter !== "all") params.set("filter", next.filter)
    if (next.q !== "") params.set("q", next.q)
    if (next.page > 1) params.set("page", String(next.page))
    for (const name of GATE_PARAMS) if (props.gate.raw[name] !== "") params.set(name, props.gate.raw[name])
    const qs = params.toString()
    return qs ? `${here}?${qs}` : here
  }
  const sortLink = (sort: SampleView["sort"], label: string) => (
    <a href={link({ sort, order: view.sort === sort && view.order === "asc" ? "desc" : "asc", page: 1 })}>
      {label}
      {view.sort === sort ? (view.order === "asc" ? " ▲" : " ▼") : ""}
    </a>
  )
  const counts = { improved: 0, regressed: 0, equivalent: 0, failed: 0 }
  for (const s of props.samples) counts[sampleOutcome(s)]++
  return (
    <Layout
      title={`Run ${run.id.slice(0, 8)}`}
      crumbs={[
        { label: tenant, href: uiPath.tenant(tenant) },
        { label: agent, href: uiPath.agent(tenant, agent) },
        { label: `run ${run.id.slice(0, 8)}`, href: here }
      ]}
      signedIn={props.signedIn}
    >
      <h1>{`Evaluation run ${run.id}`}</h1>
      <div class="cards">
        <div class="card">
          <div class="k">status</div>
          <div class={`v ${toneOfStatus(run.status)}`} data-run-status>
            {run.status}
          </div>
        </div>
        <div class="card">
          <div class="k">candidate → deployed base</div>
          <div class="v">
            {`${run.candidateRevision !== null ? `r${run.candidateRevision}` : run.candidateBaseRevision !== null ? `draft of r${run.candidateBaseRevision}` : "external"} vs r${run.deployedRevision ?? "—"}`}
          </div>
        </div>
        <div class="card">
          <div class="k">score</div>
          <div class="v" data-run-score>
            {formatScore(run.score)}
          </div>
        </div>
        <div class="card">
          <div class="k">recommendation</div>
          <div class={`v ${run.deploymentRecommendation === "DEPLOY" ? "good" : run.deploymentRecommendation ? "bad" : ""}`} data-recommendation>
            {run.deploymentRecommendation ?? "—"}
          </div>
        </div>
        <div class="card">
          <div class="k">dataset</div>
          <div class="v">{props.datasetName ?? run.datasetId ?? "—"}</div>
        </div>
        <div class="card">
          <div class="k">created</div>
          <div class="v">{formatTime(run.createdAt)}</div>
        </div>
      </div>
      {run.errorMessage ? <p class="error">{run.errorMessage}</p> : null}

      <div {...(live ? { "data-live-events": `${here}/events` } : {})}>
        <progress data-progress-bar max={100} value={pct} aria-label="progress"></progress>
        <p class="muted" data-progress-text>
          {progress
            ? `${progress.completedSamples} of ${progress.totalSamples} samples (${pct}%)${progress.failedSamples ? `, ${progress.failedSamples} failed` : ""}`
            : live
              ? "waiting for the run to start"
              : "—"}
        </p>
      </div>

      <GateSection run={run} samples={props.samples} gate={props.gate} action={here} view={view} />

      {summary ? (
        <>
          <div class="grid2">
            <BarChart
              title="Score distribution"
              bars={Object.entries(summary.scoreDistribution)
                .sort(([a], [b]) => Number(a) - Number(b) || a.localeCompare(b))
                .map(([label, value]) => ({ label, value }))}
            />
            <BarChart
              title="Assessments"
              bars={Object.entries(summary.assessmentDistribution).map(([label, value]) => ({ label, value, tone: toneOfAssessment(label) }))}
            />
          </div>
          <div class="cards">
            <div class="card">
              <div class="k">avg runtime base → candidate</div>
              <div class="v">
                {summary.runtime ? `${formatMs(summary.runtime.averageBaseMs)} → ${formatMs(summary.runtime.averageCandidateMs)}` : "—"}
              </div>
              {summary.runtime ? <div class="muted">{change(summary.runtime.averageBaseMs, summary.runtime.averageCandidateMs, formatMs)}</div> : null}
            </div>
            <div class="card">
              <div class="k">total cost base → candidate</div>
              <div class="v">{summary.cost ? `${formatCost(summary.cost.totalBase)} → ${formatCost(summary.cost.totalCandidate)}` : "—"}</div>
              {summary.cost ? <div class="muted">{change(summary.cost.totalBase, summary.cost.totalCandidate, formatCost)}</div> : null}
            </div>
            <div class="card">
              <div class="k">samples</div>
              <div class="v">{`${summary.successfulEvaluations} judged, ${summary.failedEvaluations} failed`}</div>
            </div>
          </div>
          <div class="grid2">
            <section>
              <h2>Top concerns</h2>
              {summary.topConcerns.length ? (
                <ul class="plain">
                  {summary.topConcerns.map((c) => (
                    <li>{c}</li>
                  ))}
                </ul>
              ) : (
                <p class="muted">none</p>
              )}
            </section>
            <section>
              <h2>Key improvements</h2>
              {summary.keyImprovements.length ? (
                <ul class="plain">
                  {summary.keyImprovements.map((c) => (
                    <li>{c}</li>
                  ))}
                </ul>
              ) : (
                <p class="muted">none</p>
              )}
            </section>
          </div>
        </>
      ) : null}

      <h2>{`Samples (${plural(props.samples.length, "sample")}${props.truncated ? ", the first ones only" : ""})`}</h2>
      <form method="get" action={here} class="inline" role="search">
        <select name="filter" aria-label="filter">
          {(["all", "improved", "regressed", "equivalent", "failed"] as const).map((f) => (
            <option value={f} selected={view.filter === f}>
              {f === "all" ? `all (${props.samples.length})` : `${f} (${counts[f]})`}
            </option>
          ))}
        </select>
        <input type="search" name="q" value={view.q} placeholder="search inputs and outputs" aria-label="search" />
        {view.sort !== "index" ? <input type="hidden" name="sort" value={view.sort} /> : null}
        {view.order !== "asc" ? <input type="hidden" name="order" value={view.order} /> : null}
        {GATE_PARAMS.map((name) => (props.gate.raw[name] !== "" ? <input type="hidden" name={name} value={props.gate.raw[name]} /> : null))}
        <button type="submit">Apply</button>
        <span class="muted" data-matching>
          {`${table.matching} shown`}
        </span>
      </form>
      <div class="scroll">
        <table data-keys data-samples>
          <thead>
            <tr>
              <th class="num">{sortLink("index", "#")}</th>
              <th>input</th>
              <th class="num">{sortLink("score", "score")}</th>
              <th>{sortLink("delta", "outcome")}</th>
              <th class="num">{sortLink("runtime", "Δ runtime")}</th>
              <th class="num">{sortLink("cost", "Δ cost")}</th>
            </tr>
          </thead>
          <tbody>
            {table.rows.map((s) => {
              const outcome = sampleOutcome(s)
              return (
                <tr data-sample={String(s.sampleIndex)} data-outcome={outcome}>
                  <td class="num">
                    <a href={uiPath.sample(tenant, agent, run.id, s.sampleIndex)}>{String(s.sampleIndex)}</a>
                  </td>
                  <td>{firstInput(s.parameters)}</td>
                  <td class="num">{formatScore(s.llmEvaluation?.score)}</td>
                  <td class={outcome === "improved" ? "good" : outcome === "equivalent" ? "same" : "bad"}>{s.llmEvaluation?.overallAssessment || outcome}</td>
                  <td class="num">{s.systemEvaluation ? change(s.systemEvaluation.baseRuntimeMs, s.systemEvaluation.candidateRuntimeMs, formatMs) : "—"}</td>
                  <td class="num">{s.systemEvaluation ? change(s.systemEvaluation.baseCost, s.systemEvaluation.candidateCost, formatCost) : "—"}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      {table.pages > 1 ? (
        <p>
          {table.page > 1 ? <a href={link({ page: table.page - 1 })}>← previous</a> : null}
          {` page ${table.page} of ${table.pages} `}
          {table.page < table.pages ? <a href={link({ page: table.page + 1 })}>next →</a> : null}
        </p>
      ) : null}
    </Layout>
  )
}
