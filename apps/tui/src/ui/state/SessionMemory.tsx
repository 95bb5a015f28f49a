/**
 * What the UI remembers for as long as it runs, in memory only (never
 * written anywhere): the external agent last evaluated per agent (so the
 * evaluate form does not forget its endpoint after every run; secrets
 * included, as the form held them anyway), and the transient runs started
 * here — the API does not list runs without a candidate revision, so
 * without this an external run would vanish from Recent runs once left.
 */
import { createContext, useContext, useRef, type ReactNode } from "react"

export interface TransientRunRef {
  readonly agentId: string
  readonly runId: string
}

export interface SessionMemory {
  readonly external: (agentId: string) => Readonly<Record<string, string>> | undefined
  readonly rememberExternal: (agentId: string, values: Readonly<Record<string, string>>) => void
  readonly transientRuns: (agentId: string) => ReadonlyArray<string>
  readonly rememberTransientRun: (run: TransientRunRef) => void
}

const SessionMemoryContext = createContext<SessionMemory | undefined>(undefined)

export const makeSessionMemory = (): SessionMemory => {
  const external = new Map<string, Readonly<Record<string, string>>>()
  const transient: Array<TransientRunRef> = []
  return {
    external: (agentId) => external.get(agentId),
    rememberExternal: (agentId, values) => void external.set(agentId, { ...values }),
    // Newest first.
    transientRuns: (agentId) => transient.filter((run) => run.agentId === agentId).map((run) => run.runId).reverse(),
    rememberTransientRun: (run) => {
      if (!transient.some((known) => known.runId === run.runId)) transient.push(run)
    }
  }
}

export const SessionMemoryProvider = ({ children }: { readonly children: ReactNode }) => {
  const memory = useRef<SessionMemory | undefined>(undefined)
  memory.current ??= makeSessionMemory()
  return <SessionMemoryContext.Provider value={memory.current}>{children}</SessionMemoryContext.Provider>
}

export const useSessionMemory = (): SessionMemory => {
  const memory = useContext(SessionMemoryContext)
  if (!memory) throw new Error("useSessionMemory needs a SessionMemoryProvider")
  return memory
}
