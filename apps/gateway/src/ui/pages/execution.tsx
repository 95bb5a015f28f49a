/** @jsxImportSource hono/jsx */
/**
 * Curating from the viewer: an agent's execution records, and one execution —
 * input, output, status, trace — with the "add to datasets" form (the same
 * `:addToDatasets` call `fruxkit add` and the TUI make) and the samples it is
 * already in.
 */
import type { Dataset, ExecutionRecord, ExecutionRecordResult, ExecutionRecordSample, ExecutionTrace } from "@fruxkit/core"
import { Layout, formatTime, plural, toneOfStatus, uiPath } from "../layout.js"
import { Step } from "./sample.js"

const QUALITIES = ["UNSPECIFIED", "GOOD", "BAD", "NEEDS_REVIEW"] as const

const crumbs = (tenant: string, agent: string) => [
  { label: tenant, href: uiPath.tenant(tenant) },
  { label: agent, href: uiPath.agent(tenant, agent) },
  { label: "executions", href: uiPath.executions(tenant, agent) }
]

export const ExecutionsPage = (props: {
  readonly tenant: string
  readonly agent: string
  readonly records: ReadonlyArray<ExecutionRecord>
  readonly signedIn: boolean
}) => {
  const { tenant, agent } = props
  return (
    <Layout title={`${agent} executions`} crumbs={crumbs(tenant, agent)} signedIn={props.signedIn}>
      <h1>{`Executions of ${agent}`}</h1>
      <p class="muted">{`${plural(props.records.length, "execution")}, newest first. Open one to add it to datasets.`}</p>
      <div class="scroll">
        <table data-keys data-executions>
          <thead>
            <tr>
              <th>execution</th>
              <th>status</th>
              <th class="num">revision</th>
              <th>in datasets</th>
              <th>started</th>
            </tr>
          </thead>
          <tbody>
            {props.records.map((r) => (
              <tr data-execution={r.id}>
                <td>
                  <a href={uiPath.execution(tenant, agent, r.id)}>{r.id.slice(0, 8)}</a>
                </td>
                <td class={toneOfStatus(r.status)}>{r.status}</td>
                <td class="num">{`r${r.agentRevision}`}</td>
                <td>{r.isSample ? "yes" : ""}</td>
                <td>{formatTime(r.startTime)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  )
}

export const ExecutionPage = (props: {
  readonly tenant: string
  readonly agent: string
  readonly record: ExecutionRecord
  readonly result: ExecutionRecordResult | null
  readonly trace: ExecutionTrace | null
  readonly datasets: ReadonlyArray<Dataset>
  readonly samples: ReadonlyArray<ExecutionRecordSample>
  /** What the last form post did, shown once after its redirect. */
  readonly notice: string | undefined
  readonly signedIn: boolean
}) => {
  const { tenant, agent, record } = props
  const datasetName = new Map(props.datasets.map((d) => [d.id, d.name || d.id]))
  const output = props.result?.result
  return (
    <Layout
      title={`execution ${record.id.slice(0, 8)}`}
      crumbs={[...crumbs(tenant, agent), { label: record.id.slice(0, 8), href: uiPath.execution(tenant, agent, record.id) }]}
      signedIn={props.signedIn}
    >
      <h1>{`Execution ${record.id}`}</h1>
      <p>
        <span class={toneOfStatus(record.status)} data-execution-status>
          {record.status}
        </span>
        {` · revision ${record.agentRevision} · ${formatTime(record.startTime)} · ${record.inputTokens} in, ${record.outputTokens} out tokens`}
      </p>
      {props.notice ? (
        <p class="good" data-notice>
          {props.notice}
        </p>
      ) : null}
      <section>
        <h2>Input</h2>
        <pre data-input>{props.result ? JSON.stringify(props.result.parameters, null, 2) : "no result recorded"}</pre>
        <h2>Output</h2>
        <pre data-output>{output ? (output.strValue ?? JSON.stringify(output.jsonValue, null, 2)) : "no output"}</pre>
      </section>
      <section>
        <h2>Add to datasets</h2>
        <form method="post" action={`${uiPath.execution(tenant, agent, record.id)}/datasets`} data-curate>
          <fieldset>
            <legend>Datasets</legend>
            {props.datasets.map((d) => (
              <label>
                <input type="checkbox" name="dataset" value={d.id} />
                {` ${d.name || d.id}`}
              </label>
            ))}
          </fieldset>
          <label>
            {"Quality "}
            <select name="quality">
              {QUALITIES.map((q) => (
                <option value={q}>{q}</option>
              ))}
            </select>
          </label>
          <label>
            {"Tags (comma-separated) "}
            <input type="text" name="tags" maxlength={2000} />
          </label>
          <button type="submit">Add</button>
        </form>
        <h3>Already in</h3>
        {props.samples.length === 0 ? (
          <p class="muted">no dataset yet</p>
        ) : (
          <ul data-existing>
            {props.samples.map((s) => (
              <li>
                <a href={uiPath.dataset(tenant, agent, s.datasetId)}>{datasetName.get(s.datasetId) ?? s.datasetId}</a>
                {` · ${s.quality}${s.tags.length > 0 ? ` · ${s.tags.join(", ")}` : ""}`}
              </li>
            ))}
          </ul>
        )}
        {props.samples.length > 0 ? (
          <p>
            <a href={`${uiPath.execution(tenant, agent, record.id)}/remove`} data-remove-link>
              {`Remove this execution's ${plural(props.samples.length, "sample")}…`}
            </a>
          </p>
        ) : null}
      </section>
      <section>
        <h2>Trace</h2>
        {props.trace && props.trace.traces.length > 0 ? props.trace.traces.map((step) => <Step step={step} depth={0} />) : <p class="muted">no trace</p>}
      </section>
    </Layout>
  )
}

/** The confirmation step before `DELETE …/executionRecords/{id}/samples`: it says what goes, and a POST does it. */
export const RemoveSamplesPage = (props: {
  readonly tenant: string
  readonly agent: string
  readonly execution: string
  readonly samples: ReadonlyArray<ExecutionRecordSample>
  readonly datasets: ReadonlyArray<Dataset>
  readonly signedIn: boolean
}) => {
  const { tenant, agent, execution } = props
  const datasetName = new Map(props.datasets.map((d) => [d.id, d.name || d.id]))
  const back = uiPath.execution(tenant, agent, execution)
  return (
    <Layout
      title="remove samples"
      crumbs={[...crumbs(tenant, agent), { label: execution.slice(0, 8), href: back }, { label: "remove", href: `${back}/remove` }]}
      signedIn={props.signedIn}
    >
      <h1>{`Remove ${plural(props.samples.length, "sample")} made from execution ${execution.slice(0, 8)}?`}</h1>
      <ul data-doomed>
        {props.samples.map((s) => (
          <li>{`${datasetName.get(s.datasetId) ?? s.datasetId} · ${s.quality}`}</li>
        ))}
      </ul>
      <p class="bad">They leave every dataset listed here. This cannot be undone.</p>
      <form method="post" action={`${back}/remove`} data-remove>
        <button type="submit">Remove</button> <a href={back}>Cancel</a>
      </form>
    </Layout>
  )
}
