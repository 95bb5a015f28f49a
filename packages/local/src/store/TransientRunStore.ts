/**
 * Runs without a `candidateRevision`: transient, held in this process's
 * memory only (the contract's persistence gate). They are gone after a
 * restart, by design; their external-agent secrets never touch the disk.
 */
import { EvaluationRunSampleResult, ResponseDecoding } from "@fruxkit/core"
import { encodeCursor } from "./page-token.js"
import { summarise } from "../evaluation/summary.js"
import { isActiveStatus, type RunRecord, type RunSampleRow, type RunStore } from "./RunStore.js"

/** Results held in memory are values: the listing sends them encoded by the result schema. */
const encodeResult = ResponseDecoding.encodeSync(EvaluationRunSampleResult)

interface Held {
  run: RunRecord
  samples: Map<number, RunSampleRow>
  /** Sample indexes handed out by claimSamples and not stored yet (one process: no expiry needed). */
  leased: Set<number>
  /** The size of its stored sample results, as JSON (what reading them back would answer). */
  bytes: number
}

/**
 * Ended transient runs kept for reading back; past this the oldest ended
 * ones are dropped, so a long-lived gateway does not grow without bound.
 */
export const MAX_ENDED_TRANSIENT_RUNS = 100

/**
 * …and past this many bytes of their sample results (a run's results carry
 * every sample's inputs, answers and traces: 100 runs can be gigabytes).
 */
export const MAX_ENDED_TRANSIENT_BYTES = 64 * 1024 * 1024

export const makeTransientRunStore = (
  limits: { readonly maxEndedRuns?: number; readonly maxEndedBytes?: number } = {}
): RunStore & { readonly has: (id: string) => boolean } => {
  const maxEndedRuns = limits.maxEndedRuns ?? MAX_ENDED_TRANSIENT_RUNS
  const maxEndedBytes = limits.maxEndedBytes ?? MAX_ENDED_TRANSIENT_BYTES
  const runs = new Map<string, Held>()
  /** Drop the oldest ended runs until both bounds hold (Map order is insertion order: oldest first). */
  const prune = () => {
    const ended = [...runs.values()].filter((held) => !isActiveStatus(held.run.status))
    let count = ended.length
    let bytes = ended.reduce((sum, held) => sum + held.bytes, 0)
    for (const held of ended) {
      if (count <= maxEndedRuns && bytes <= maxEndedBytes) break
      runs.delete(held.run.id)
      count--
      bytes -= held.bytes
    }
  }
  const update = (id: string, patch: Partial<RunRecord>) => {
    const held = runs.get(id)
    if (held) held.run = { ...held.run, ...patch }
  }
  return {
    has: (id) => runs.has(id),
    insert: async (run, alongside) => {
      if (alongside !== undefined) throw new Error("a transient run has no transaction to commit statements with")
      runs.set(run.id, { run, samples: new Map(), leased: new Set(), bytes: 0 })
      prune()
    },
    find: async (tenant, agentId, id) => {
      const held = runs.get(id)
      return held && held.run.tenantId === tenant && held.run.agentId === agentId ? held.run : undefined
    },
    claim: async (owner, now, leaseMs, limit) => {
      const claimed: Array<RunRecord> = []
      for (const held of runs.values()) {
        if (claimed.length >= limit) break
        const run = held.run
        if (!isActiveStatus(run.status) || (run.leaseOwner !== null && run.leaseExpiresAt >= now)) continue
        update(run.id, {
          leaseOwner: owner,
          leaseExpiresAt: now + leaseMs,
          status: "IN_PROGRESS",
          modifiedAt: now,
          startedAt: run.startedAt === 0 ? now : run.startedAt
        })
        claimed.push(held.run)
      }
      return claimed
    },
    claimSamples: async (runId, _owner, _now, _leaseMs, limit) => {
      const held = runs.get(runId)
      if (!held || !isActiveStatus(held.run.status)) return { indexes: [], takenOver: 0 }
      const indexes: Array<number> = []
      for (let index = 0; index < held.run.sampleIds.length && indexes.length < limit; index++) {
        if (held.samples.has(index) || held.leased.has(index)) continue
        held.leased.add(index)
        indexes.push(index)
      }
      return { indexes, takenOver: 0 }
    },
    release: async (runId) => {
      runs.get(runId)?.leased.clear()
    },
    renew: async (id, owner, now, leaseMs) => {
      const run = runs.get(id)?.run
      if (!run || run.leaseOwner !== owner || run.status !== "IN_PROGRESS") return { held: false, cancelRequested: false }
      update(id, { leaseExpiresAt: now + leaseMs })
      return { held: true, cancelRequested: run.cancelRequested }
    },
    sampleResults: async (runId) => [...(runs.get(runId)?.samples.values() ?? [])].sort((a, b) => a.sampleIndex - b.sampleIndex),
    pageSampleResults: async (runId, page) => {
      const all = [...(runs.get(runId)?.samples.values() ?? [])].sort((a, b) => a.sampleIndex - b.sampleIndex)
      const afterIndex = page.cursor ? page.cursor.createdAt : -1
      const rest = all.filter((row) => row.sampleIndex > afterIndex).slice(page.skip)
      const pageRows = rest.slice(0, page.size)
      const last = pageRows[pageRows.length - 1]
      return {
        itemsJson: pageRows.map((row) => JSON.stringify(encodeResult(row.result))),
        nextPageToken: rest.length > page.size && last ? encodeCursor({ createdAt: last.sampleIndex, id: runId }) : "",
        totalCount: all.length
      }
    },
    // Saving the last result completes a transient run in the same step: nothing is ever left to settle.
    settle: async () => false,
    saveSampleResults: async (entries, now) => {
      const completedRuns: Array<string> = []
      for (const { runId, row } of entries) {
        const held = runs.get(runId)
        if (!held || !isActiveStatus(held.run.status) || held.samples.has(row.sampleIndex)) continue
        held.samples.set(row.sampleIndex, row)
        held.bytes += JSON.stringify(row.result).length
        held.leased.delete(row.sampleIndex)
        const failed = [...held.samples.values()].filter((s) => s.failed).length
        update(runId, { completedSamples: held.samples.size, failedSamples: failed, modifiedAt: now })
        if (held.samples.size < held.run.totalSamples) continue
        const verdict = summarise([...held.samples.values()].sort((a, b) => a.sampleIndex - b.sampleIndex), held.run.totalSamples)
        update(runId, { status: "COMPLETED", ...verdict, completedAt: now, leaseOwner: null, leaseExpiresAt: 0 })
        completedRuns.push(runId)
      }
      if (completedRuns.length > 0) prune()
      return completedRuns
    },
    finish: async (id, owner, outcome, now) => {
      const run = runs.get(id)?.run
      if (!run || run.leaseOwner !== owner || run.status !== "IN_PROGRESS") return false
      update(id, {
        status: outcome.status,
        score: outcome.score ?? null,
        deploymentRecommendation: outcome.deploymentRecommendation ?? null,
        summary: outcome.summary ?? null,
        errorMessage: outcome.errorMessage ?? null,
        completedAt: now,
        modifiedAt: now,
        leaseOwner: null,
        leaseExpiresAt: 0
      })
      prune()
      return true
    },
    requestCancel: async (id, now) => {
      const run = runs.get(id)?.run
      if (!run) return "missing"
      if (!isActiveStatus(run.status)) return "terminal"
      if (run.leaseOwner !== null && run.leaseExpiresAt >= now) {
        update(id, { cancelRequested: true, modifiedAt: now })
        return "requested"
      }
      update(id, { status: "CANCELLED", cancelRequested: true, completedAt: now, modifiedAt: now })
      return "cancelled"
    }
  }
}
