/**
 * The draft forked from a revision, for screens that show it and act on its
 * head (the agent screen's draft line and "Evaluate draft").
 */
import { useState } from "react"
import type { AgentDraft, EvaluationRun } from "@fruxkit/core"
import { useLoad } from "./useLoad.js"
import { useApi } from "../state/ApiContext.js"
import { describeError, type Failure } from "../../describe-error.js"
import { formatTime } from "../../format-units.js"

export const draftLine = (draft: AgentDraft | null | undefined, revision: number | undefined): string =>
  revision === undefined
    ? ""
    : draft
      ? `draft on rev ${draft.baseRevision} v${draft.version} (updated ${formatTime(draft.updatedAt)})`
      : draft === null
        ? `no draft on rev ${revision}`
        : ""

export const useDraftHead = (agentId: string, revision: number | undefined) => {
  const { client, tenant } = useApi()
  const draft = useLoad(
    (signal) => (revision === undefined ? Promise.resolve(null) : client.getDraft({ tenant, agent: agentId, revision }, { signal })),
    [client, tenant, agentId, revision]
  )
  const [failure, setFailure] = useState<Failure | undefined>(undefined)
  /** `draft:evaluate` on the head as loaded; a moved head is a failure to show (reload and try again). */
  const evaluate = async (): Promise<EvaluationRun | undefined> => {
    const head = draft.value
    if (!head || revision === undefined) return undefined
    setFailure(undefined)
    try {
      return await client.evaluateDraft({ tenant, agent: agentId, revision, ifMatch: head.version, body: {} })
    } catch (error) {
      setFailure(describeError(error))
      draft.reload()
      return undefined
    }
  }
  return { draft: draft.value, line: draftLine(draft.value, revision), evaluate, failure, reload: draft.reload }
}
