/** Samples done of total, elapsed and ETA: one line, so a tick rewrites one line. */
import { Text } from "ink"
import { progressLine, type RunProgress } from "../../run-progress.js"

export const ProgressBar = ({ progress, width }: { readonly progress: RunProgress; readonly width: number }) => {
  const barWidth = Math.max(10, Math.min(40, width - 45))
  return <Text wrap="truncate">{progressLine(progress, barWidth)}</Text>
}
