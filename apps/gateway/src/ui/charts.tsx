/** @jsxImportSource hono/jsx */
/**
 * Charts as server-rendered SVG: bars for a distribution, lines for scores
 * over time. No chart library: these two shapes are all the viewer draws, and
 * SVG needs no script (the page works with scripts off, and under its CSP).
 */

export interface Bar {
  readonly label: string
  readonly value: number
  /** A CSS class for the bar (e.g. an assessment's colour). */
  readonly tone?: string
}

export const BarChart = (props: { readonly title: string; readonly bars: ReadonlyArray<Bar> }) => {
  const max = Math.max(1, ...props.bars.map((b) => b.value))
  const rowHeight = 22
  const labelWidth = 130
  const width = 420
  const height = Math.max(rowHeight, props.bars.length * rowHeight)
  return (
    <figure class="chart" data-chart={props.title}>
      <figcaption>{props.title}</figcaption>
      {props.bars.length === 0 ? (
        <p class="muted">nothing yet</p>
      ) : (
        <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={props.title} width="100%">
          {props.bars.map((bar, index) => {
            const y = index * rowHeight
            const w = Math.round(((width - labelWidth - 40) * bar.value) / max)
            return (
              <g data-bar={bar.label} data-value={String(bar.value)}>
                <text x={labelWidth - 6} y={y + 15} text-anchor="end" class="chart-label">
                  {bar.label}
                </text>
                <rect x={labelWidth} y={y + 4} width={Math.max(w, 1)} height={rowHeight - 8} class={`bar ${bar.tone ?? ""}`} />
                <text x={labelWidth + w + 6} y={y + 15} class="chart-value">
                  {String(bar.value)}
                </text>
              </g>
            )
          })}
        </svg>
      )}
    </figure>
  )
}

export interface Series {
  readonly name: string
  readonly tone: string
  /** Oldest first; null where a point has no value. */
  readonly values: ReadonlyArray<number | null>
}

/** Lines over evenly spaced points (one per run), scaled to 0–max. */
export const LineChart = (props: { readonly title: string; readonly series: ReadonlyArray<Series>; readonly max: number }) => {
  const width = 520
  const height = 160
  const pad = 24
  const count = Math.max(...props.series.map((s) => s.values.length), 0)
  const x = (i: number) => (count <= 1 ? width / 2 : pad + ((width - 2 * pad) * i) / (count - 1))
  const y = (v: number) => height - pad - ((height - 2 * pad) * Math.min(v, props.max)) / props.max
  return (
    <figure class="chart" data-chart={props.title}>
      <figcaption>
        {props.title}
        {props.series.map((s) => (
          <span class={`legend ${s.tone}`}>{s.name}</span>
        ))}
      </figcaption>
      {count === 0 ? (
        <p class="muted">no finished runs yet</p>
      ) : (
        <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={props.title} width="100%">
          <line x1={pad} y1={height - pad} x2={width - pad} y2={height - pad} class="axis" />
          <text x={4} y={y(props.max) + 4} class="chart-label">{String(props.max)}</text>
          <text x={4} y={height - pad + 4} class="chart-label">0</text>
          {props.series.map((s) => {
            const points = s.values.flatMap((v, i) => (v === null ? [] : [`${x(i).toFixed(1)},${y(v).toFixed(1)}`]))
            return (
              <g class={`series ${s.tone}`} data-series={s.name}>
                <polyline points={points.join(" ")} fill="none" />
                {s.values.map((v, i) => (v === null ? null : <circle cx={x(i).toFixed(1)} cy={y(v).toFixed(1)} r="3" />))}
              </g>
            )
          })}
        </svg>
      )}
    </figure>
  )
}
