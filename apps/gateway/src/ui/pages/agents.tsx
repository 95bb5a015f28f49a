/** @jsxImportSource hono/jsx */
import type { Agent } from "@fruxkit/core"
import { Layout, uiPath } from "../layout.js"

export const TenantPage = (props: { readonly defaultTenant: string | undefined; readonly signedIn: boolean }) => (
  <Layout title="Tenants" signedIn={props.signedIn}>
    <h1>Open a tenant</h1>
    <form method="get" action="/ui/tenant" class="inline">
      <label>
        Tenant <input name="tenant" required maxlength={128} value={props.defaultTenant ?? ""} autofocus />
      </label>
      <button type="submit">Open</button>
    </form>
  </Layout>
)

export const AgentsPage = (props: { readonly tenant: string; readonly agents: ReadonlyArray<Agent>; readonly signedIn: boolean }) => (
  <Layout title={`Agents of ${props.tenant}`} crumbs={[{ label: props.tenant, href: uiPath.tenant(props.tenant) }]} signedIn={props.signedIn}>
    <h1>Agents</h1>
    {props.agents.length === 0 ? (
      <p class="muted">This tenant has no agents.</p>
    ) : (
      <div class="scroll">
        <table data-keys>
          <thead>
            <tr>
              <th>agent</th>
              <th>name</th>
              <th class="num">deployed revision</th>
              <th>type</th>
            </tr>
          </thead>
          <tbody>
            {props.agents.map((a) => (
              <tr>
                <td>
                  <a href={uiPath.agent(props.tenant, a.id)}>{a.id}</a>
                </td>
                <td>{a.displayName}</td>
                <td class="num">{String(a.currentRevision)}</td>
                <td>{a.type}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )}
  </Layout>
)
