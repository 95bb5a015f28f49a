/** @jsxImportSource hono/jsx */
/** The frame every viewer page shares: head, top bar with breadcrumbs, and helpers for links and numbers. */
import type { Child } from "hono/jsx"

export interface Crumb {
  readonly label: string
  readonly href: string
}

export const uiPath = {
  tenant: (tenant: string) => `/ui/t/${encodeURIComponent(tenant)}`,
  agent: (tenant: string, agent: string) => `${uiPath.tenant(tenant)}/agents/${encodeURIComponent(agent)}`,
  run: (tenant: string, agent: string, run: string) => `${uiPath.agent(tenant, agent)}/runs/${encodeURIComponent(run)}`,
  sample: (tenant: string, agent: string, run: string, index: number) => `${uiPath.run(tenant, agent, run)}/samples/${index}`,
  executions: (tenant: string, agent: string) => `${uiPath.agent(tenant, agent)}/executions`,
  execution: (tenant: string, agent: string, execution: string) => `${uiPath.agent(tenant, agent)}/executions/${encodeURIComponent(execution)}`,
  dataset: (tenant: string, agent: string, dataset: string) => `${uiPath.agent(tenant, agent)}/datasets/${encodeURIComponent(dataset)}`,
  compare: (tenant: string, agent: string, base: string, head: string) =>
    `${uiPath.agent(tenant, agent)}/compare?base=${encodeURIComponent(base)}&head=${encodeURIComponent(head)}`
}

export const Layout = (props: { readonly title: string; readonly crumbs?: ReadonlyArray<Crumb>; readonly children?: Child; readonly signedIn?: boolean }) => {
  const crumbs = props.crumbs ?? []
  // Esc goes up one level: the crumb before this page's own.
  const up = crumbs.length > 0 ? (crumbs.at(-2) ?? { label: "start", href: "/ui?choose" }) : undefined
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · fruxkit`}</title>
        <link rel="stylesheet" href="/ui/assets/viewer.css" />
        <script src="/ui/assets/viewer.js" defer></script>
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/ui">fruxkit</a>
          <nav class="crumbs">
            {crumbs.map((c, i) => (
              <span>
                {i > 0 ? " / " : ""}
                <a href={c.href}>{c.label}</a>
              </span>
            ))}
          </nav>
          {up ? <a data-up href={up.href} hidden></a> : null}
          {props.signedIn ? (
            <form method="post" action="/ui/logout" class="inline signout">
              <button type="submit">sign out</button>
            </form>
          ) : null}
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  )
}

export const formatScore = (score: number | null | undefined): string => (score === null || score === undefined ? "—" : score.toFixed(2))

export const formatMs = (ms: number | null | undefined): string => {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—"
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
}

export const formatCost = (value: number | null | undefined): string =>
  value === null || value === undefined ? "—" : value === 0 ? "$0" : `$${value.toFixed(value < 0.01 ? 5 : 4)}`

export const formatTime = (epochMillis: number): string =>
  epochMillis > 0 ? new Date(epochMillis).toISOString().slice(0, 16).replace("T", " ") : "—"

/** "3 samples", "1 sample". */
export const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? "" : "s"}`

/** A difference against a base that may be 0: a percentage only when it means something. */
export const change = (base: number, candidate: number, format: (n: number) => string): string => {
  if (base === 0) return candidate === 0 ? "±0" : `+${format(candidate)} (new)`
  const pct = ((candidate - base) / base) * 100
  return `${pct >= 0 ? "+" : ""}${pct.toFixed(0)}%`
}

export const toneOfAssessment = (assessment: string | null | undefined): string => {
  const a = (assessment ?? "").toUpperCase()
  if (a.includes("IMPROV") || a === "BETTER") return "good"
  if (a.includes("REGRESS") || a === "WORSE" || a === "FAILED") return "bad"
  return "same"
}

export const toneOfStatus = (status: string): string =>
  status === "COMPLETED" ? "good" : status === "FAILED" || status === "CANCELLED" ? "bad" : "same"
