/** `?`: every key of the current screen and the global ones, from the command table. */
import { Box, Text } from "ink"
import { commandTable, globalCommands, keyLabel, type Command } from "../keys/bindings.js"

export const helpRows = (commands: ReadonlyArray<Command>): Array<[string, string]> =>
  [...commands.filter((c) => !globalCommands.includes(c)), ...globalCommands].map((command) => [
    keyLabel(command),
    commandTable[command].description
  ])

export const HelpOverlay = ({ commands }: { readonly commands: ReadonlyArray<Command> }) => {
  const rows = helpRows(commands)
  const width = Math.max(...rows.map(([keys]) => keys.length))
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>Keys on this screen</Text>
      {rows.map(([keys, description]) => (
        <Text key={keys + description} wrap="truncate">
          <Text color="cyan">{keys.padEnd(width)}</Text> {description}
        </Text>
      ))}
    </Box>
  )
}
