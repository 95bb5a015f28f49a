/** @jsxImportSource hono/jsx */
import type { Dataset, EvaluationSample } from "@fruxkit/core"
import { Layout, formatTime, plural, uiPath } from "../layout.js"
import { firstInput } from "./run.js"

export const DatasetPage = (props: {
  readonly tenant: string
  readonly agent: string
  readonly dataset: Dataset
  readonly samples: ReadonlyArray<EvaluationSample>
  readonly more: boolean
  /** What the last change did (the sample edit redirects here). */
  readonly notice?: string | undefined
  readonly signedIn: boolean
}) => {
  const { tenant, agent, dataset } = props
  return (
    <Layout
      title={dataset.name || dataset.id}
      crumbs={[
        { label: tenant, href: uiPath.tenant(tenant) },
        { label: agent, href: uiPath.agent(tenant, agent) },
        { label: dataset.name || dataset.id.slice(0, 8), href: uiPath.dataset(tenant, agent, dataset.id) }
      ]}
      signedIn={props.signedIn}
    >
      <h1>{`Dataset ${dataset.name || dataset.id}`}</h1>
      <p class="muted">{`${plural(dataset.sampleCount, "sample")}${dataset.description ? ` · ${dataset.description}` : ""}`}</p>
      {props.notice ? (
        <p data-notice>
          {props.notice}
          <span class="muted">{" The samples of its execution were re-created, so their ids changed."}</span>
        </p>
      ) : null}
      <div class="scroll">
        <table data-keys>
          <thead>
            <tr>
              <th>sample</th>
              <th>input</th>
              <th>quality</th>
              <th>tags</th>
              <th class="num">revision</th>
              <th>created</th>
            </tr>
          </thead>
          <tbody>
            {props.samples.map((s) => (
              <tr data-sample-id={s.id}>
                <td>
                  {/* Tags and deletion are composed from the execution's samples: only a curated sample (one with an execution) has them. */}
                  {s.executionId ? <a href={`${uiPath.execution(tenant, agent, s.executionId)}/samples/${encodeURIComponent(s.id)}`}>{s.id.slice(0, 8)}</a> : s.id.slice(0, 8)}
                </td>
                <td>{firstInput(s.inputPayload)}</td>
                <td>{s.quality}</td>
                <td>{s.tags.map((t) => t.tag).join(", ")}</td>
                <td class="num">{`r${s.agentRevision}`}</td>
                <td>{formatTime(s.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.more ? <p class="muted">The first samples only.</p> : null}
    </Layout>
  )
}
