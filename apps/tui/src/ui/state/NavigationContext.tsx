/** The route stack, read-only state and actions in separate contexts. */
import { createContext, useContext, useMemo, useReducer, type ReactNode } from "react"
import { currentRoute, initialNavigation, navigationReducer, type Route } from "./navigation.js"

export interface NavigationActions {
  readonly push: (route: Route) => void
  readonly replace: (route: Route) => void
  readonly back: () => void
}

const RouteContext = createContext<{ route: Route; stack: ReadonlyArray<Route> } | undefined>(undefined)
const ActionsContext = createContext<NavigationActions | undefined>(undefined)

export const NavigationProvider = ({
  initial,
  children
}: {
  readonly initial?: Route | ReadonlyArray<Route> | undefined
  readonly children: ReactNode
}) => {
  const [state, dispatch] = useReducer(navigationReducer, initial, initialNavigation)
  const actions = useMemo<NavigationActions>(
    () => ({
      push: (route) => dispatch({ type: "push", route }),
      replace: (route) => dispatch({ type: "replace", route }),
      back: () => dispatch({ type: "back" })
    }),
    []
  )
  const route = currentRoute(state)
  const value = useMemo(() => ({ route, stack: state.stack }), [route, state.stack])
  return (
    <ActionsContext.Provider value={actions}>
      <RouteContext.Provider value={value}>{children}</RouteContext.Provider>
    </ActionsContext.Provider>
  )
}

export const useRoute = () => {
  const value = useContext(RouteContext)
  if (!value) throw new Error("useRoute needs a NavigationProvider")
  return value
}

export const useNavigation = (): NavigationActions => {
  const value = useContext(ActionsContext)
  if (!value) throw new Error("useNavigation needs a NavigationProvider")
  return value
}
