/**
 * Every route of the stack, the top one shown. Screens under the top one stay
 * mounted (hidden, keys off) so going back finds them as they were and a run
 * keeps being watched while one of its samples is open. The global keys
 * (help, back, quit) and the help overlay live here too.
 */
import { useState, type ComponentType } from "react"
import { Box, useApp } from "ink"
import { Command } from "../keys/bindings.js"
import { Priority, useActiveKeys } from "../keys/KeyboardProvider.js"
import { ScreenActiveContext, useCommands } from "../keys/useCommands.js"
import { useNavigation, useRoute } from "../state/NavigationContext.js"
import type { Route } from "../state/navigation.js"
import { Frame } from "./Frame.js"
import { HelpOverlay } from "./HelpOverlay.js"
import { ScreenErrorBoundary } from "./ScreenErrorBoundary.js"

/** A route's identity: the snapshot a run route may carry does not make it another screen. */
const routeKey = (route: Route, depth: number): string => {
  const { initial: _initial, ...identity } = route as Route & { initial?: unknown }
  return `${depth}:${JSON.stringify(identity)}`
}

export const ScreenStack = ({ screenFor: ScreenFor }: { readonly screenFor: ComponentType<{ readonly route: Route }> }) => {
  const { stack } = useRoute()
  const navigation = useNavigation()
  const { exit } = useApp()
  const [help, setHelp] = useState(false)
  useCommands({ [Command.Help]: () => setHelp(true), [Command.Back]: navigation.back, [Command.Quit]: () => exit() }, { priority: Priority.Global })
  useCommands(
    { [Command.Help]: () => setHelp(false), [Command.Back]: () => setHelp(false), [Command.Quit]: () => exit() },
    { priority: Priority.Overlay, active: help, exclusive: true }
  )
  const top = stack.length - 1
  return (
    <>
      {stack.map((route, depth) => (
        <ScreenActiveContext.Provider key={routeKey(route, depth)} value={depth === top}>
          <Box display={depth === top && !help ? "flex" : "none"}>
            <ScreenErrorBoundary>
              <ScreenFor route={route} />
            </ScreenErrorBoundary>
          </Box>
        </ScreenActiveContext.Provider>
      ))}
      {help ? <HelpFrame /> : null}
    </>
  )
}

const HelpFrame = () => {
  const { commands } = useActiveKeys()
  return (
    <Frame title="help">
      <HelpOverlay commands={commands} />
    </Frame>
  )
}
