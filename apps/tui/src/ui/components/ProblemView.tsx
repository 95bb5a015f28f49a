/** An API failure as its problem title and detail (never a stack trace). */
import { Box, Text } from "ink"
import type { Failure } from "../../describe-error.js"

export const ProblemView = ({ failure, hint }: { readonly failure: Failure; readonly hint?: string }) => (
  <Box flexDirection="column" borderStyle="round" borderColor="red" paddingX={1}>
    <Text color="red" bold>
      {failure.title}
      {failure.status ? ` (${failure.status})` : ""}
    </Text>
    {failure.detail ? <Text>{failure.detail}</Text> : null}
    {hint ? <Text dimColor>{hint}</Text> : null}
  </Box>
)
