/** The core client and the tenant every screen talks to. */
import { createContext, useContext, type ReactNode } from "react"
import type { PromiseClient, WaitOptions } from "@fruxkit/core"

export interface Api {
  readonly client: PromiseClient
  readonly tenant: string
  /** Where we are connected, for the title bar; never holds a credential. */
  readonly label: string
  /** How often a running evaluation is polled; core's defaults (250 ms backing off to 5 s) unless set. */
  readonly polling?: Pick<WaitOptions, "initialDelay" | "factor" | "maxDelay"> | undefined
}

const ApiContext = createContext<Api | undefined>(undefined)

export const ApiProvider = ({ api, children }: { readonly api: Api; readonly children: ReactNode }) => (
  <ApiContext.Provider value={api}>{children}</ApiContext.Provider>
)

export const useApi = (): Api => {
  const api = useContext(ApiContext)
  if (!api) throw new Error("useApi needs an ApiProvider")
  return api
}
