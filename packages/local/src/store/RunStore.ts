/**
 * What the evaluation worker needs from wherever a run lives. Runs with a
 * `candidateRevision`, and `draft:evaluate` runs (a pinned draft head), live
 * in SQL (EvaluationRunRepository); the other runs without a revision are
 * transient and live in memory (TransientRunStore), as the contract says.
 */
import type { EvaluationRun, EvaluationRunSampleResult, EvaluationRunSummary } from "@fruxkit/core"
import type { PageRequest } from "./page-token.js"
import type { SqlEffect } from "./Store.js"

export interface RunRecord {
  readonly id: string
  readonly tenantId: string
  readonly agentId: string
  readonly datasetId: string | null
  readonly candidateRevision: number | null
  readonly candidateBaseRevision: number | null
  /** `draft:evaluate`: the draft version whose head the run scores (its flow is pinned in `candidateAgent`). */
  readonly candidateSnapshotSeqNo: number | null
  readonly deployedRevision: number | null
  readonly status: string
  readonly score: number | null
  readonly deploymentRecommendation: string | null
  readonly summary: EvaluationRunSummary | null
  readonly errorMessage: string | null
  readonly createdAt: number
  readonly modifiedAt: number
  readonly startedAt: number
  readonly completedAt: number
  readonly createdBy: string
  readonly totalSamples: number
  readonly completedSamples: number
  readonly failedSamples: number
  readonly sampleIds: ReadonlyArray<string>
  /** Inline candidate configuration (`agent` of the request), when given. */
  readonly candidateAgent: Record<string, unknown> | null
  /** `candidateExternalConfig` sealed with the data dir's key (SecretBox); never sent back. */
  readonly candidateExternalSealed: string | null
  readonly cancelRequested: boolean
  readonly leaseOwner: string | null
  readonly leaseExpiresAt: number
  readonly transient: boolean
}

export interface ClaimedSamples {
  readonly indexes: Array<number>
  readonly takenOver: number
}

export interface RunSampleRow {
  readonly sampleIndex: number
  readonly sampleId: string
  /** The sample could not be evaluated (judge error, harness failure). */
  readonly failed: boolean
  readonly result: EvaluationRunSampleResult
}

/**
 * A page of a run's results as the API sends them: each item its JSON text,
 * checked when read (Row.WireJson) or encoded by the result schema (runs in
 * memory), so a 1,000-sample listing is not decoded, re-encoded and
 * serialised again on its way out.
 */
export interface WireResultsPage {
  readonly itemsJson: ReadonlyArray<string>
  readonly nextPageToken: string
  readonly totalCount: number
}

export interface RunOutcome {
  readonly status: "FAILED" | "CANCELLED"
  readonly score?: number | null
  readonly deploymentRecommendation?: string | null
  readonly summary?: EvaluationRunSummary | null
  readonly errorMessage?: string | null
}

export type CancelResult = "cancelled" | "requested" | "terminal" | "missing"

/** Statuses of a run that still takes samples and results (every store, and the queue's own statements, go by these). */
export const ACTIVE_STATUSES: ReadonlyArray<string> = ["PENDING", "IN_PROGRESS"]

export const isActiveStatus = (status: unknown): boolean => ACTIVE_STATUSES.includes(status as string)

export interface RunStore {
  /**
   * Stores a new run and its sample work, in one transaction, with the
   * `alongside` statements (a creating call's Idempotency-Key) when given;
   * the transient store, which has no transaction, refuses them. A wrapper
   * must pass them on (test/idempotency-key.test.ts fails when one does not).
   */
  readonly insert: (run: RunRecord, alongside?: SqlEffect<void>) => Promise<void>
  readonly find: (tenant: string, agentId: string, id: string) => Promise<RunRecord | undefined>
  /**
   * Up to `limit` active runs with sample work nobody holds; PENDING ones
   * become IN_PROGRESS. Work is leased per sample (`claimSamples`), so on a
   * shared database several processes may get the same run and split its samples.
   */
  readonly claim: (owner: string, now: number, leaseMs: number, limit: number) => Promise<Array<RunRecord>>
  /**
   * Leases up to `limit` of the run's samples that have no result and no live lease: their indexes, and how
   * many of them another worker had leased before its lease lapsed (it died or stalled).
   */
  readonly claimSamples: (runId: string, owner: string, now: number, leaseMs: number, limit: number) => Promise<ClaimedSamples>
  /**
   * The heartbeat: extends `owner`'s sample leases on the run. `held` is
   * false once the run is no longer this worker's to work on (it ended, or
   * another process took it over).
   */
  readonly renew: (
    id: string,
    owner: string,
    now: number,
    leaseMs: number
  ) => Promise<{ readonly held: boolean; readonly cancelRequested: boolean }>
  /** Gives `owner`'s unfinished samples of the run back at once (a clean shutdown), instead of at lease expiry. */
  readonly release: (runId: string, owner: string) => Promise<void>
  readonly sampleResults: (runId: string) => Promise<Array<RunSampleRow>>
  /** A page of results in their wire form (the listing sends them on as they are). */
  readonly pageSampleResults: (runId: string, page: PageRequest) => Promise<WireResultsPage>
  /**
   * Stores results in one transaction (a group commit: one fsync for many
   * samples). Idempotent per (run, sampleIndex): a resumed run never stores
   * a sample twice. The transaction that stores a run's last result also
   * summarises it and marks it COMPLETED, so the summary is computed once,
   * by whichever worker finished last. Results for a run that already ended
   * (cancelled) are dropped. Resolves with the ids of the runs this call completed.
   */
  readonly saveSampleResults: (
    entries: ReadonlyArray<{ readonly runId: string; readonly row: RunSampleRow }>,
    now: number
  ) => Promise<ReadonlyArray<string>>
  /**
   * Completes the run if every sample has a result (what the last save does anyway); for a run whose
   * last save committed but could not settle (its process died in between). `true` when this call completed it.
   */
  readonly settle: (runId: string, now: number) => Promise<boolean>
  /** Ends an active run FAILED or CANCELLED; `false` when it had already ended (or another owner holds it). */
  readonly finish: (id: string, owner: string, outcome: RunOutcome, now: number) => Promise<boolean>
  readonly requestCancel: (id: string, now: number) => Promise<CancelResult>
}

export const toEvaluationRun = (run: RunRecord): EvaluationRun => ({
  id: run.id,
  agentId: run.agentId,
  datasetId: run.datasetId,
  candidateRevision: run.candidateRevision,
  candidateBaseRevision: run.candidateBaseRevision,
  candidateSnapshotSeqNo: run.candidateSnapshotSeqNo,
  deployedRevision: run.deployedRevision,
  status: run.status,
  score: run.score,
  deploymentRecommendation: run.deploymentRecommendation,
  // The contract: summary is not populated while PENDING / IN_PROGRESS.
  summary: run.status === "COMPLETED" ? run.summary : null,
  errorMessage: run.errorMessage,
  createdAt: run.createdAt,
  modifiedAt: run.modifiedAt,
  startedAt: run.startedAt,
  completedAt: run.completedAt,
  createdBy: run.createdBy,
  progress: {
    totalSamples: run.totalSamples,
    completedSamples: run.completedSamples,
    failedSamples: run.failedSamples
  }
})
