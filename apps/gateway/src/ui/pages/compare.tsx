/** @jsxImportSource hono/jsx */
import type { RunComparison } from "@fruxkit/core"
import { Layout, formatScore, plural, uiPath } from "../layout.js"

const side = (s: RunComparison.SampleSide | null) => (s ? `${formatScore(s.score)} ${s.assessment ?? ""}` : "—")

export const ComparePage = (props: { readonly tenant: string; readonly agent: string; readonly comparison: RunComparison.RunComparison; readonly signedIn: boolean }) => {
  const { tenant, agent, comparison } = props
  const { base, head, summary } = comparison
  // Flips first (a regression that appeared or went away), then the rest as core orders them.
  const samples = [...comparison.samples].sort((a, b) => Number(b.flipped) - Number(a.flipped))
  return (
    <Layout
      title="Compare runs"
      crumbs={[
        { label: tenant, href: uiPath.tenant(tenant) },
        { label: agent, href: uiPath.agent(tenant, agent) },
        { label: "compare", href: uiPath.compare(tenant, agent, base.id, head.id) }
      ]}
      signedIn={props.signedIn}
    >
      <h1>Compare two runs</h1>
      {summary.sameDataset ? null : <p class="error">These runs are not of the same dataset: only samples present in both are compared.</p>}
      <div class="cards">
        {[
          ["base", base],
          ["head", head]
        ].map(([label, run]) => {
          const r = run as RunComparison.RunSide
          return (
            <div class="card">
              <div class="k">{label as string}</div>
              <div class="v">
                <a href={uiPath.run(tenant, agent, r.id)}>{r.id.slice(0, 8)}</a>
                {` · ${formatScore(r.score)}`}
              </div>
              <div class="muted">{`${r.status} · ${r.deploymentRecommendation ?? "—"} · ${plural(r.regressions, "regression")}`}</div>
            </div>
          )
        })}
        <div class="card">
          <div class="k">per sample</div>
          <div class="v" data-compare-summary>
            {`${summary.improved} improved · ${summary.regressed} regressed · ${summary.unchanged} unchanged`}
          </div>
          <div class="muted">{`${plural(summary.flipped, "flip")}${summary.onlyInBase + summary.onlyInHead ? ` · ${summary.onlyInBase + summary.onlyInHead} in one run only` : ""}`}</div>
        </div>
      </div>
      <div class="scroll">
        <table data-keys data-compare>
          <thead>
            <tr>
              <th>sample</th>
              <th>base</th>
              <th>head</th>
              <th class="num">Δ score</th>
              <th>change</th>
            </tr>
          </thead>
          <tbody>
            {samples.map((s) => (
              <tr data-sample-id={s.sampleId} data-change={s.change} data-flipped={String(s.flipped)}>
                <td>
                  {s.head ? <a href={uiPath.sample(tenant, agent, head.id, s.head.sampleIndex)}>{s.sampleId.slice(0, 8)}</a> : s.sampleId.slice(0, 8)}
                </td>
                <td>{side(s.base)}</td>
                <td>{side(s.head)}</td>
                <td class="num">{s.delta === null ? "—" : `${s.delta >= 0 ? "+" : ""}${s.delta.toFixed(2)}`}</td>
                <td class={s.change === "improved" ? "good" : s.change === "regressed" ? "bad" : "same"}>{`${s.change}${s.flipped ? " (flipped)" : ""}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  )
}
