/** The providers, and which screen a route shows; nothing else. */
import { KeyboardProvider } from "./keys/KeyboardProvider.js"
import { FixedSizeContext, type TerminalSize } from "./hooks/useTerminalSize.js"
import { ApiProvider, type Api } from "./state/ApiContext.js"
import { NavigationProvider } from "./state/NavigationContext.js"
import { SessionMemoryProvider } from "./state/SessionMemory.js"
import type { Route } from "./state/navigation.js"
import { ScreenStack } from "./components/ScreenStack.js"
import { AgentsScreen } from "./screens/AgentsScreen.js"
import { AgentScreen } from "./screens/AgentScreen.js"
import { DraftTestScreen } from "./screens/DraftTestScreen.js"
import { CurateScreen } from "./screens/CurateScreen.js"
import { EvaluateScreen } from "./screens/EvaluateScreen.js"
import { RunScreen } from "./screens/RunScreen.js"
import { SampleScreen } from "./screens/SampleScreen.js"
import { HistoryScreen } from "./screens/HistoryScreen.js"
import { CompareScreen } from "./screens/CompareScreen.js"
import { DraftScreen } from "./screens/DraftScreen.js"

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
      <SessionMemoryProvider>
        <NavigationProvider initial={initialRoute}>
          <KeyboardProvider>
            <ScreenStack screenFor={ScreenFor} />
          </KeyboardProvider>
        </NavigationProvider>
      </SessionMemoryProvider>
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
      return <EvaluateScreen agentId={route.agentId} datasetId={route.datasetId} />
    case "run":
      return <RunScreen agentId={route.agentId} runId={route.runId} initial={route.initial} />
    case "sample":
      return <SampleScreen agentId={route.agentId} runId={route.runId} sampleIndex={route.sampleIndex} order={route.order} />
    case "history":
      return <HistoryScreen agentId={route.agentId} />
    case "compare":
      return <CompareScreen agentId={route.agentId} baseRunId={route.baseRunId} headRunId={route.headRunId} />
    case "draft":
      return <DraftScreen agentId={route.agentId} revision={route.revision} />
  }
}
