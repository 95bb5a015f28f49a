/** @jsxImportSource hono/jsx */
/**
 * One curated sample's tags and its deletion (see ../sample-edit.ts for how
 * that is composed from the API, and what it costs: new ids, not atomic).
 */
import type { Dataset, ExecutionRecordSample } from "@fruxkit/core"
import { Layout, plural, uiPath } from "../layout.js"
import type { SampleGroup } from "../sample-edit.js"

const RECREATED =
  "The API has no way to change or delete one sample, so this re-creates every sample of the execution: " +
  "they get new ids (their content stays the same). It is not atomic: if adding them back fails, this page lists what is missing and offers a retry."

const names = (datasets: ReadonlyArray<Dataset>) => new Map(datasets.map((d) => [d.id, d.name || d.id]))

export const SampleEditPage = (props: {
  readonly tenant: string
  readonly agent: string
  readonly execution: string
  readonly sample: ExecutionRecordSample
  readonly samples: ReadonlyArray<ExecutionRecordSample>
  readonly datasets: ReadonlyArray<Dataset>
  readonly signedIn: boolean
}) => {
  const { tenant, agent, execution, sample } = props
  const datasetName = names(props.datasets)
  const here = `${uiPath.execution(tenant, agent, execution)}/samples/${encodeURIComponent(sample.id)}`
  const others = props.samples.filter((s) => s.id !== sample.id)
  return (
    <Layout
      title={`Sample ${sample.id.slice(0, 8)}`}
      crumbs={[
        { label: tenant, href: uiPath.tenant(tenant) },
        { label: agent, href: uiPath.agent(tenant, agent) },
        { label: datasetName.get(sample.datasetId) ?? sample.datasetId, href: uiPath.dataset(tenant, agent, sample.datasetId) },
        { label: `sample ${sample.id.slice(0, 8)}`, href: here }
      ]}
      signedIn={props.signedIn}
    >
      <h1>{`Sample ${sample.id}`}</h1>
      <p>
        {`In ${datasetName.get(sample.datasetId) ?? sample.datasetId} · ${sample.quality} · from execution `}
        <a href={uiPath.execution(tenant, agent, execution)}>{execution}</a>
      </p>
      <p class="muted" data-recreated-note>
        {RECREATED}
      </p>
      {others.length > 0 ? <p class="muted">{`Also re-created: ${others.map((s) => `${datasetName.get(s.datasetId) ?? s.datasetId} · ${s.quality}`).join("; ")}.`}</p> : null}
      <form method="post" action={`${here}/tags`} class="inline" data-edit-tags>
        <input type="text" name="tags" value={sample.tags.join(", ")} placeholder="tags, comma-separated" aria-label="tags" />
        <button type="submit">Save tags</button>
      </form>
      <form method="post" action={`${here}/delete`} class="inline" data-delete-sample>
        <button type="submit">{`Delete this sample${others.length > 0 ? ` (and re-create the other ${plural(others.length, "sample")})` : ""}`}</button>
      </form>
    </Layout>
  )
}

const GroupList = (props: { readonly groups: ReadonlyArray<SampleGroup>; readonly names: ReadonlyMap<string, string>; readonly mark: string }) => (
  <ul {...{ [props.mark]: "" }}>
    {props.groups.flatMap((group) =>
      group.datasetIds.map((id) => <li>{`${props.names.get(id) ?? id} · ${group.quality}${group.tags.length > 0 ? ` · ${group.tags.join(", ")}` : ""}`}</li>)
    )}
  </ul>
)

/** Adding back failed part-way: what is saved, what is missing, and a retry that adds exactly the missing ones. */
export const SampleEditFailedPage = (props: {
  readonly tenant: string
  readonly agent: string
  readonly execution: string
  readonly returnTo: string
  readonly saved: ReadonlyArray<SampleGroup>
  readonly missing: ReadonlyArray<SampleGroup>
  readonly datasets: ReadonlyArray<Dataset>
  readonly reason: string
  readonly signedIn: boolean
}) => {
  const { tenant, agent, execution } = props
  const datasetName = names(props.datasets)
  return (
    <Layout
      title="Not all samples were added back"
      crumbs={[
        { label: tenant, href: uiPath.tenant(tenant) },
        { label: agent, href: uiPath.agent(tenant, agent) },
        { label: `execution ${execution.slice(0, 8)}`, href: uiPath.execution(tenant, agent, execution) }
      ]}
      signedIn={props.signedIn}
    >
      <h1>Not all samples were added back</h1>
      <p class="error" data-edit-failure>
        {`The execution's samples were deleted, then adding them back failed: ${props.reason}`}
      </p>
      <h2>Saved</h2>
      {props.saved.length > 0 ? <GroupList groups={props.saved} names={datasetName} mark="data-saved" /> : <p class="muted" data-saved>none</p>}
      <h2>Missing until you retry</h2>
      <GroupList groups={props.missing} names={datasetName} mark="data-missing" />
      <form method="post" action={`${uiPath.execution(tenant, agent, execution)}/restore`} class="inline" data-retry>
        {props.missing.map((group) => (
          <input type="hidden" name="group" value={JSON.stringify(group)} />
        ))}
        <input type="hidden" name="return" value={props.returnTo} />
        <button type="submit">Retry adding them back</button>
      </form>
    </Layout>
  )
}
