/** @jsxImportSource hono/jsx */
import type { DraftTestResponse, EvaluationRunSampleResult, StepTrace } from "@fruxkit/core"
import { Layout, formatCost, formatMs, formatScore, toneOfAssessment, uiPath } from "../layout.js"
import { diffWords, type DiffPart } from "../text-diff.js"

const Parts = (props: { readonly parts: ReadonlyArray<DiffPart> }) => (
  <div class="output">
    {props.parts.map((p) => (p.kind === "same" ? p.text : p.kind === "added" ? <ins>{p.text}</ins> : <del>{p.text}</del>))}
  </div>
)

const json = (value: unknown): string => {
  try {
    return JSON.stringify(value, null, 2) ?? ""
  } catch {
    return String(value)
  }
}

/** One step and its children, each a `<details>` (collapsed past the first level). */
export const Step = (props: { readonly step: StepTrace; readonly depth: number }) => {
  const { step } = props
  const llm = step.llmStepTrace
  return (
    <details class="step" open={props.depth === 0}>
      <summary>
        <span class={step.status === "ERROR" ? "bad" : step.status === "SUCCESS" ? "good" : "same"}>{step.status}</span>
        {` ${step.displayName || step.id} · ${step.type} · ${formatMs(step.duration)}`}
      </summary>
      {step.error ? <p class="bad">{step.error}</p> : null}
      {llm ? (
        <p class="muted">{`${llm.providerId}/${llm.model} · ${llm.inputTokens} in, ${llm.outputTokens} out tokens · ${formatCost(llm.inputCost + llm.outputCost + llm.cachedCost)}`}</p>
      ) : null}
      {llm && llm.llmMessages.length > 0 ? <pre>{json(llm.llmMessages)}</pre> : null}
      {step.toolTrace ? <pre>{json({ tool: step.toolTrace.displayName, parameters: step.toolTrace.parameters })}</pre> : null}
      {step.result ? <pre>{step.result.strValue ?? json(step.result.jsonValue)}</pre> : null}
      {step.steps.map((child) => (
        <Step step={child} depth={props.depth + 1} />
      ))}
    </details>
  )
}

const Trace = (props: { readonly title: string; readonly result: DraftTestResponse | null }) => (
  <section>
    <h2>{props.title}</h2>
    {props.result?.trace && props.result.trace.traces.length > 0 ? (
      props.result.trace.traces.map((step) => <Step step={step} depth={0} />)
    ) : (
      <p class="muted">no trace</p>
    )}
  </section>
)

export const SamplePage = (props: {
  readonly tenant: string
  readonly agent: string
  readonly runId: string
  readonly sample: EvaluationRunSampleResult
  readonly previous: number | null
  readonly next: number | null
  readonly signedIn: boolean
}) => {
  const { tenant, agent, runId, sample } = props
  const judge = sample.llmEvaluation
  const base = sample.baseRevisionResult
  const candidate = sample.candidateRevisionResult
  const diff = diffWords(base?.response ?? "", candidate?.response ?? "")
  return (
    <Layout
      title={`Sample ${sample.sampleIndex}`}
      crumbs={[
        { label: tenant, href: uiPath.tenant(tenant) },
        { label: agent, href: uiPath.agent(tenant, agent) },
        { label: `run ${runId.slice(0, 8)}`, href: uiPath.run(tenant, agent, runId) },
        { label: `sample ${sample.sampleIndex}`, href: uiPath.sample(tenant, agent, runId, sample.sampleIndex) }
      ]}
      signedIn={props.signedIn}
    >
      <h1>{`Sample ${sample.sampleIndex}`}</h1>
      <p>
        {props.previous !== null ? <a href={uiPath.sample(tenant, agent, runId, props.previous)}>← previous</a> : null}
        {props.previous !== null && props.next !== null ? " · " : ""}
        {props.next !== null ? <a href={uiPath.sample(tenant, agent, runId, props.next)}>next →</a> : null}
        <span class="muted">{` sample id ${sample.sampleId}`}</span>
      </p>
      <div class="cards">
        <div class="card">
          <div class="k">score</div>
          <div class="v">{formatScore(judge?.score)}</div>
        </div>
        <div class="card">
          <div class="k">assessment</div>
          <div class={`v ${toneOfAssessment(judge?.overallAssessment)}`}>{judge?.overallAssessment || "—"}</div>
        </div>
        <div class="card">
          <div class="k">runtime base → candidate</div>
          <div class="v">{sample.systemEvaluation ? `${formatMs(sample.systemEvaluation.baseRuntimeMs)} → ${formatMs(sample.systemEvaluation.candidateRuntimeMs)}` : "—"}</div>
        </div>
        <div class="card">
          <div class="k">cost base → candidate</div>
          <div class="v">{sample.systemEvaluation ? `${formatCost(sample.systemEvaluation.baseCost)} → ${formatCost(sample.systemEvaluation.candidateCost)}` : "—"}</div>
        </div>
      </div>
      <h2>Input</h2>
      <pre data-input>{json(sample.parameters)}</pre>
      <div class="grid2">
        <section>
          <h2>{`Base${base ? ` (${base.status})` : ""}`}</h2>
          <div data-output="base">
            <Parts parts={diff.before} />
          </div>
        </section>
        <section>
          <h2>{`Candidate${candidate ? ` (${candidate.status})` : ""}`}</h2>
          <div data-output="candidate">
            <Parts parts={diff.after} />
          </div>
        </section>
      </div>
      {judge ? (
        <section>
          <h2>The judge</h2>
          {judge.summary ? <p>{judge.summary}</p> : null}
          {judge.analysis ? <pre>{judge.analysis}</pre> : null}
          {judge.concernsRisks.length ? (
            <>
              <h2>Concerns</h2>
              <ul class="plain">
                {judge.concernsRisks.map((c) => (
                  <li>{c}</li>
                ))}
              </ul>
            </>
          ) : null}
          {judge.errorTitle ? <p class="bad">{`${judge.errorTitle}: ${judge.errorRecommendation ?? ""}`}</p> : null}
        </section>
      ) : null}
      <div class="grid2">
        <Trace title="Base trace" result={base} />
        <Trace title="Candidate trace" result={candidate} />
      </div>
    </Layout>
  )
}
