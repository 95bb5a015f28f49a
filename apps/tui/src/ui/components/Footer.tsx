/** The keys of the current screen, written from the command table (never by hand). */
import { Text } from "ink"
import { commandTable, globalCommands, keyLabel, type Command } from "../keys/bindings.js"
import { useActiveKeys } from "../keys/KeyboardProvider.js"

export const footerText = (commands: ReadonlyArray<Command>): string =>
  [...commands.filter((c) => !globalCommands.includes(c)), ...globalCommands]
    .map((command) => `${keyLabel(command)} ${commandTable[command].hint}`)
    .join(" · ")

export const Footer = ({ width }: { readonly width: number }) => {
  const active = useActiveKeys()
  const line = active.editingText
    ? (active.textHint ?? "typing · Enter done · Esc cancel")
    : active.overlay
      ? "? or Esc close help"
      : footerText(active.commands)
  return (
    <Text dimColor wrap="wrap">
      {line.length > width * 2 ? `${line.slice(0, width * 2 - 1)}…` : line}
    </Text>
  )
}
