/** @jsxImportSource hono/jsx */
import { RunComparison, isTerminalRunStatus, type EvaluationRun, type EvaluationRunSampleResult } from "@fruxkit/core"
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
