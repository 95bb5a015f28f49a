/** @jsxImportSource hono/jsx */
import type { Agent, AgentDraft, AgentRevision, Dataset, EvaluationRun } from "@fruxkit/core"
import { LineChart } from "../charts.js"
import { Layout, formatMs, formatScore, formatTime, plural, toneOfStatus, uiPath } from "../layout.js"

export interface AgentPageProps {
  readonly tenant: string
  readonly agent: Agent
  readonly revisions: ReadonlyArray<AgentRevision>
  readonly draft: AgentDraft | null
  readonly datasets: ReadonlyArray<Dataset>
  /** Newest first. */
  readonly runs: ReadonlyArray<EvaluationRun>
  readonly signedIn: boolean
}

export const AgentPage = (props: AgentPageProps) => {
  const { tenant, agent } = props
  const datasetName = new Map(props.datasets.map((d) => [d.id, d.name]))
  const finished = [...props.runs].reverse().filter((r) => r.status === "COMPLETED")
  const newest = props.runs[0]
  return (
    <Layout
      title={agent.id}
      crumbs={[
        { label: tenant, href: uiPath.tenant(tenant) },
        { label: agent.id, href: uiPath.agent(tenant, agent.id) }
      ]}
      signedIn={props.signedIn}
    >
      <h1>{agent.displayName || agent.id}</h1>
      <div class="cards">
        <div class="card">
          <div class="k">deployed revision</div>
          <div class="v">{`r${agent.currentRevision}`}</div>
        </div>
        <div class="card">
          <div class="k">draft</div>
          <div class="v">
            {props.draft ? `from r${props.draft.baseRevision}, version ${props.draft.version}` : "none"}
          </div>
          {props.draft ? <div class="muted">{`updated ${formatTime(props.draft.updatedAt)}`}</div> : null}
        </div>
        <div class="card">
          <div class="k">evaluation runs</div>
          <div class="v">{String(props.runs.length)}</div>
        </div>
      </div>

      <div class="grid2">
        <LineChart
          title="Score over time (completed runs)"
          max={Math.max(10, ...finished.map((r) => r.score ?? 0))}
          series={[{ name: "candidate score", tone: "candidate", values: finished.map((r) => r.score) }]}
        />
        <LineChart
          title="Average runtime per sample (ms)"
          max={Math.max(1, ...finished.flatMap((r) => [r.summary?.runtime?.averageBaseMs ?? 0, r.summary?.runtime?.averageCandidateMs ?? 0]))}
          series={[
            { name: "base", tone: "base", values: finished.map((r) => r.summary?.runtime?.averageBaseMs ?? null) },
            { name: "candidate", tone: "candidate", values: finished.map((r) => r.summary?.runtime?.averageCandidateMs ?? null) }
          ]}
        />
      </div>

      <h2>Evaluation runs</h2>
      {props.runs.length === 0 ? (
        <p class="muted">No evaluation runs yet.</p>
      ) : (
        <div class="scroll">
          <table data-keys>
            <thead>
              <tr>
                <th>run</th>
                <th>status</th>
                <th>candidate</th>
                <th>dataset</th>
                <th class="num">score</th>
                <th>recommendation</th>
                <th class="num">avg runtime base → cand</th>
                <th>created</th>
                <th>compare</th>
              </tr>
            </thead>
            <tbody>
              {props.runs.map((r) => (
                <tr data-run={r.id}>
                  <td>
                    <a href={uiPath.run(tenant, agent.id, r.id)}>{r.id.slice(0, 8)}</a>
                  </td>
                  <td class={toneOfStatus(r.status)}>{r.status}</td>
                  <td>{r.candidateRevision !== null ? `r${r.candidateRevision}` : r.candidateBaseRevision !== null ? `draft of r${r.candidateBaseRevision}` : "external"}</td>
                  <td>{r.datasetId ? datasetName.get(r.datasetId) ?? r.datasetId.slice(0, 8) : "—"}</td>
                  <td class="num">{formatScore(r.score)}</td>
                  <td>{r.deploymentRecommendation ?? "—"}</td>
                  <td class="num">{r.summary?.runtime ? `${formatMs(r.summary.runtime.averageBaseMs)} → ${formatMs(r.summary.runtime.averageCandidateMs)}` : "—"}</td>
                  <td>{formatTime(r.createdAt)}</td>
                  <td>{newest && newest.id !== r.id ? <a href={uiPath.compare(tenant, agent.id, r.id, newest.id)}>vs newest</a> : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <div class="grid2">
        <section>
          <h2>Revisions</h2>
          <table>
            <tbody>
              {props.revisions.map((r) => (
                <tr>
                  <td>{`r${r.agentRevision}`}</td>
                  <td>{r.agentRevision === agent.currentRevision ? <span class="badge good">deployed</span> : ""}</td>
                  <td>{r.comment}</td>
                  <td>{formatTime(r.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section>
          <h2>Datasets</h2>
          <p>
            <a href={uiPath.executions(tenant, agent.id)} data-executions-link>
              Executions: curate one into datasets
            </a>
          </p>
          <table>
            <tbody>
              {props.datasets.map((d) => (
                <tr>
                  <td>
                    <a href={uiPath.dataset(tenant, agent.id, d.id)}>{d.name || d.id}</a>
                  </td>
                  <td class="num">{plural(d.sampleCount, "sample")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </Layout>
  )
}
