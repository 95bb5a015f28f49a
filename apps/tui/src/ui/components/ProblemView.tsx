/** An API failure as its problem title and detail (never a stack trace). */
import { Box, Text } from "ink"
import type { Failure } from "../../describe-error.js"

/** Each thing said once: a detail that repeats the title, or a hint that repeats either, is left out. */
export const problemLines = (failure: Failure, hint?: string): { title: string; detail: string | undefined; hint: string | undefined } => {
  const title = `${failure.title}${failure.status ? ` (${failure.status})` : ""}`
  const detail = failure.detail && failure.detail !== failure.title ? failure.detail : undefined
  const shownHint = hint && hint !== detail && hint !== failure.title ? hint : undefined
  return { title, detail, hint: shownHint }
}

export const ProblemView = ({ failure, hint }: { readonly failure: Failure; readonly hint?: string }) => {
  const lines = problemLines(failure, hint)
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="red" paddingX={1}>
      <Text color="red" bold wrap="wrap">
        {lines.title}
      </Text>
      {lines.detail ? <Text wrap="wrap">{lines.detail}</Text> : null}
      {lines.hint ? <Text dimColor wrap="wrap">{lines.hint}</Text> : null}
    </Box>
  )
}
