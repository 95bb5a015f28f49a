/**
 * An execution's steps as a tree: each row shows type, status, duration, cost
 * and the error of a failed step. The screen owns the cursor and which steps
 * are expanded; `visibleSteps` says which rows that makes.
 */
import { Box, Text } from "ink"
import type { StepTrace } from "@fruxkit/core"
import { formatCost, formatDuration, oneLine, truncate } from "../../format-units.js"
import { windowStart } from "./SelectList.js"

export interface VisibleStep {
  readonly step: StepTrace
  readonly depth: number
  /** Stable across renders: the path of indexes from the root. */
  readonly path: string
}

export const visibleSteps = (steps: ReadonlyArray<StepTrace>, expanded: ReadonlySet<string>, depth = 0, prefix = ""): Array<VisibleStep> =>
  steps.flatMap((step, index) => {
    const path = prefix === "" ? String(index) : `${prefix}.${index}`
    const row: VisibleStep = { step, depth, path }
    return expanded.has(path) ? [row, ...visibleSteps(step.steps, expanded, depth + 1, path)] : [row]
  })

// Kept in a module of its own so commands can price a step without loading Ink.
export { stepCost } from "../../trace-cost.js"
import { stepCost } from "../../trace-cost.js"

const statusColor = (status: string) => (status === "ERROR" ? "red" : status === "SUCCESS" ? "green" : "yellow")

export const TraceTree = ({
  rows,
  expanded,
  cursor,
  height,
  width,
  focused
}: {
  readonly rows: ReadonlyArray<VisibleStep>
  readonly expanded: ReadonlySet<string>
  readonly cursor: number
  readonly height: number
  readonly width: number
  readonly focused: boolean
}) => {
  if (rows.length === 0) return <Text dimColor>(no trace)</Text>
  const start = windowStart(cursor, rows.length, height)
  return (
    <Box flexDirection="column">
      {rows.slice(start, start + height).map((row, offset) => {
        const index = start + offset
        const { step } = row
        const marker = step.steps.length === 0 ? " " : expanded.has(row.path) ? "▾" : "▸"
        const head = `${"  ".repeat(row.depth)}${marker} ${step.displayName || step.id || "(step)"}`
        const facts = ` ${step.type} ${formatDuration(step.duration)} ${formatCost(stepCost(step))}`
        const error = step.error ? ` — ${oneLine(step.error)}` : ""
        const selected = index === cursor && focused
        return (
          <Text key={row.path} wrap="truncate" inverse={selected}>
            {truncate(head, Math.max(10, width - facts.length - 10))}
            <Text dimColor>{facts}</Text> <Text color={statusColor(step.status)}>{step.status}</Text>
            <Text color="red">{truncate(error, Math.max(0, width - head.length - facts.length - 10))}</Text>
          </Text>
        )
      })}
    </Box>
  )
}
