/** Counts by label as horizontal bars (score and assessment distributions). */
import { Box, Text } from "ink"
import { bar, pad } from "../../format-units.js"

export interface BarChartProps {
  readonly title: string
  readonly counts: Readonly<Record<string, number>>
  readonly width: number
  /** Order of the labels; default: numeric buckets ascending, else as given. */
  readonly order?: (a: string, b: string) => number
}

const numericFirst = (a: string, b: string) => {
  const x = Number.parseFloat(a)
  const y = Number.parseFloat(b)
  return Number.isNaN(x) || Number.isNaN(y) ? a.localeCompare(b) : x - y
}

export const BarChart = ({ title, counts, width, order = numericFirst }: BarChartProps) => {
  const entries = Object.entries(counts).sort(([a], [b]) => order(a, b))
  const max = Math.max(0, ...entries.map(([, n]) => n))
  const labelWidth = Math.min(16, Math.max(4, ...entries.map(([label]) => label.length)))
  const barWidth = Math.max(4, width - labelWidth - 8)
  return (
    <Box flexDirection="column">
      <Text bold>{title}</Text>
      {entries.length === 0 ? <Text dimColor>(no data)</Text> : null}
      {entries.map(([label, count]) => (
        <Text key={label} wrap="truncate">
          {pad(label, labelWidth)} <Text color="cyan">{bar(count, max, barWidth)}</Text> {count}
        </Text>
      ))}
    </Box>
  )
}
