/**
 * A list with a selection, showing only the rows that fit around it. The
 * screen owns the selected index (keys are handled in one place).
 */
import { Box, Text } from "ink"
import { truncate } from "../../format-units.js"

export interface SelectListProps<T> {
  readonly items: ReadonlyArray<T>
  readonly selected: number
  readonly height: number
  readonly width: number
  readonly render: (item: T, index: number) => string
  /** False when another section has the focus: the selection is shown dimmed. */
  readonly focused?: boolean
  readonly empty?: string
}

export const windowStart = (selected: number, count: number, height: number): number => {
  if (count <= height) return 0
  const start = selected - Math.floor(height / 2)
  return Math.max(0, Math.min(start, count - height))
}

export const SelectList = <T,>({ items, selected, height, width, render, focused = true, empty = "(none)" }: SelectListProps<T>) => {
  if (items.length === 0) return <Text dimColor>{empty}</Text>
  const rows = Math.max(1, height)
  const start = windowStart(selected, items.length, rows)
  const visible = items.slice(start, start + rows)
  return (
    <Box flexDirection="column">
      {visible.map((item, offset) => {
        const index = start + offset
        const isSelected = index === selected
        const line = truncate(`${isSelected ? "›" : " "} ${render(item, index)}`, width)
        return (
          <Text key={index} inverse={isSelected && focused} bold={isSelected && !focused} wrap="truncate">
            {line}
          </Text>
        )
      })}
    </Box>
  )
}

/** Move a selection by `delta`, clamped to the list. */
export const moveSelection = (selected: number, delta: number, count: number): number =>
  count === 0 ? 0 : Math.max(0, Math.min(count - 1, selected + delta))
