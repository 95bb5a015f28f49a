/**
 * Picks the screen for the route; nothing else. Screens under the top one
 * stay mounted (hidden, keys off) so going back finds them as they were and a
 * run keeps being watched while one of its samples is open.
 */
import { useState } from "react"
import { Box, useApp } from "ink"
import { KeyboardProvider, Priority, useActiveKeys } from "./keys/KeyboardProvider.js"
import { Command } from "./keys/bindings.js"
import { ScreenActiveContext, useCommands } from "./keys/useCommands.js"
import { FixedSizeContext, type TerminalSize } from "./hooks/useTerminalSize.js"
import { ApiProvider, type Api } from "./state/ApiContext.js"
import { NavigationProvider, useNavigation, useRoute } from "./state/NavigationContext.js"
import type { Route } from "./state/navigation.js"
import { Frame } from "./components/Frame.js"
import { HelpOverlay } from "./components/HelpOverlay.js"
import { ScreenErrorBoundary } from "./components/ScreenErrorBoundary.js"
import { AgentsScreen } from "./screens/AgentsScreen.js"
import { AgentScreen } from "./screens/AgentScreen.js"
import { DraftTestScreen } from "./screens/DraftTestScreen.js"
import { CurateScreen } from "./screens/CurateScreen.js"
import { EvaluateScreen } from "./screens/EvaluateScreen.js"
import { RunScreen } from "./screens/RunScreen.js"
import { SampleScreen } from "./screens/SampleScreen.js"
import { HistoryScreen } from "./screens/HistoryScreen.js"

export interface AppProps {
  readonly api: Api
  /** Where to start: a route, or a stack of them (the last one shown). */
  readonly initialRoute?: Route | ReadonlyArray<Route> | undefined
  /** Pin the terminal size (tests); otherwise the real terminal's, following resizes. */
  readonly size?: TerminalSize | undefined
}

export const App = ({ api, initialRoute, size }: AppProps) => (
  <FixedSizeContext.Provider value={size}>
    <ApiProvider api={api}>
      <NavigationProvider initial={initialRoute}>
        <KeyboardProvider>
          <Shell />
        </KeyboardProvider>
      </NavigationProvider>
    </ApiProvider>
  </FixedSizeContext.Provider>
)

const ScreenFor = ({ route }: { readonly route: Route }) => {
  switch (route.screen) {
    case "agents":
      return <AgentsScreen />
    case "agent":
      return <AgentScreen agentId={route.agentId} />
    case "draftTest":
      return <DraftTestScreen agentId={route.agentId} revision={route.revision} />
    case "curate":
      return <CurateScreen agentId={route.agentId} executionRecordId={route.executionRecordId} />
    case "evaluate":
      return <EvaluateScreen agentId={route.agentId} />
    case "run":
      return <RunScreen agentId={route.agentId} runId={route.runId} initial={route.initial} />
    case "sample":
      return <SampleScreen agentId={route.agentId} runId={route.runId} sampleIndex={route.sampleIndex} />
    case "history":
      return <HistoryScreen agentId={route.agentId} />
  }
}

const routeKey = (route: Route, depth: number): string => {
  const { initial: _initial, ...identity } = route as Route & { initial?: unknown }
  return `${depth}:${JSON.stringify(identity)}`
}

const Shell = () => {
  const { stack } = useRoute()
  const navigation = useNavigation()
  const { exit } = useApp()
  const [help, setHelp] = useState(false)
  useCommands({ [Command.Help]: () => setHelp(true), [Command.Back]: navigation.back, [Command.Quit]: () => exit() }, { priority: Priority.Global })
  useCommands({ [Command.Help]: () => setHelp(false), [Command.Back]: () => setHelp(false), [Command.Quit]: () => exit() }, { priority: Priority.Overlay, active: help, exclusive: true })
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
