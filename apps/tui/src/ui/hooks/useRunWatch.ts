/**
 * Follow an evaluation run with core's polling (`watchEvaluationRun`): every
 * change of status or progress becomes a render, and a one-second clock keeps
 * elapsed/ETA moving in between. Stops when the run ends or the screen goes.
 */
import { useEffect, useState } from "react"
import { isTerminalRunStatus, type EvaluationRun } from "@fruxkit/core"
import { describeError, type Failure } from "../../describe-error.js"
import { useApi } from "../state/ApiContext.js"

export interface RunWatch {
  readonly run: EvaluationRun | undefined
  readonly failure: Failure | undefined
  readonly firstSeenAt: number
  readonly now: number
  readonly retry: () => void
}

export const useRunWatch = (agentId: string, runId: string, initial?: EvaluationRun): RunWatch => {
  const { client, tenant, polling } = useApi()
  const [run, setRun] = useState<EvaluationRun | undefined>(initial)
  const [failure, setFailure] = useState<Failure | undefined>(undefined)
  const [firstSeenAt] = useState(() => Date.now())
  const [now, setNow] = useState(() => Date.now())
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    const controller = new AbortController()
    const watch = async () => {
      try {
        for await (const snapshot of client.watchEvaluationRun(
          { tenant, agent: agentId, evaluationRun: runId },
          { ...polling, deadline: Infinity, ...(initial ? { initial } : {}) },
          { signal: controller.signal }
        )) {
          setRun(snapshot)
          setNow(Date.now())
        }
      } catch (error) {
        if (!controller.signal.aborted) setFailure(describeError(error))
      }
    }
    void watch()
    return () => controller.abort()
    // `initial` only seeds the first watch.
  }, [client, tenant, agentId, runId, attempt])

  const finished = run !== undefined && isTerminalRunStatus(run.status)
  useEffect(() => {
    if (finished || failure) return
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [finished, failure])

  // A failed watch (the API went away) starts again when the screen asks.
  const retry = () => {
    setFailure(undefined)
    setAttempt((a) => a + 1)
  }
  return { run, failure, firstSeenAt, now, retry }
}
