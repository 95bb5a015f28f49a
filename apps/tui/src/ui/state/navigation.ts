/** Where the user is: a stack of routes. Screens push, Esc pops. */
import type { EvaluationRun } from "@fruxkit/core"
import type { SampleOrder } from "../../sample-ranking.js"

export type Route =
  | { readonly screen: "agents" }
  | { readonly screen: "agent"; readonly agentId: string }
  | { readonly screen: "draftTest"; readonly agentId: string; readonly revision: number }
  | { readonly screen: "curate"; readonly agentId: string; readonly executionRecordId: string }
  | { readonly screen: "evaluate"; readonly agentId: string; readonly datasetId?: string | undefined }
  | {
      readonly screen: "run"
      readonly agentId: string
      readonly runId: string
      /** The snapshot `:evaluate` answered, so the screen shows something before the first poll. */
      readonly initial?: EvaluationRun | undefined
    }
  | {
      readonly screen: "sample"
      readonly agentId: string
      readonly runId: string
      readonly sampleIndex: number
      /** The run table's order, so ←/→ go to the neighbours the table showed. */
      readonly order?: SampleOrder | undefined
    }
  | { readonly screen: "history"; readonly agentId: string }
  | { readonly screen: "compare"; readonly agentId: string; readonly baseRunId: string; readonly headRunId: string }
  | { readonly screen: "draft"; readonly agentId: string; readonly revision: number }

export interface NavigationState {
  readonly stack: ReadonlyArray<Route>
}

export type NavigationAction =
  | { readonly type: "push"; readonly route: Route }
  | { readonly type: "replace"; readonly route: Route }
  | { readonly type: "back" }

/** One route, or a stack to start in (`fruxkit --agent x` starts on the agent, with the list under it). */
export const initialNavigation = (start: Route | ReadonlyArray<Route> = { screen: "agents" }): NavigationState => {
  const stack = "screen" in start ? [start] : [...start]
  return { stack: stack.length > 0 ? stack : [{ screen: "agents" }] }
}

export const navigationReducer = (state: NavigationState, action: NavigationAction): NavigationState => {
  switch (action.type) {
    case "push":
      return { stack: [...state.stack, action.route] }
    case "replace":
      return { stack: [...state.stack.slice(0, -1), action.route] }
    case "back":
      return state.stack.length > 1 ? { stack: state.stack.slice(0, -1) } : state
  }
}

export const currentRoute = (state: NavigationState): Route => state.stack[state.stack.length - 1]!
