/**
 * What this process stored of each run's results, in the light form a run's summary reads (summary.ts's
 * SummarisedSample): a run whose results were all stored here — one worker on it, the usual case — completes
 * from them instead of reading every result back. On PostgreSQL that read (and decoding it) was most of the
 * time from a run's last result to COMPLETED.
 *
 * Only results a commit actually stored go in (a replayed sample stores nothing: its stored result may be
 * another worker's), each decoded from the very text that was stored, by the decoder the read uses, so the
 * summary is byte for byte the one the read gives. It holds the MAX_RUNS runs stored into last, each until it
 * completes or this process ends it; a run it no longer holds, or holds only part of (several workers shared
 * it), is read back as before. Per sample it holds about what the worker holds of the sample itself.
 */
import type { SummarisedSample } from "../evaluation/summary.js"

/** As many as the runs one worker pool works on at once (EvaluationWorkerPool's MAX_ACTIVE_RUNS). */
const MAX_RUNS = 32

const inSampleOrder = (samples: ReadonlyMap<number, SummarisedSample>): Array<SummarisedSample> =>
  [...samples.keys()].sort((a, b) => a - b).map((index) => samples.get(index)!)

export class StoredSummaries {
  private readonly runs = new Map<string, Map<number, SummarisedSample>>()
  /** Each run's sample count, once known (a claim or a commit told it): a commit that makes it can complete the run. */
  private readonly totals = new Map<string, number>()

  /** `samples`: the results a commit stored for the run, by sample index. */
  add(runId: string, samples: Iterable<readonly [number, SummarisedSample]>): void {
    let run = this.runs.get(runId)
    if (run === undefined) {
      this.runs.set(runId, (run = new Map()))
      // Map keeps insertion order: the first key is the run added longest ago.
      if (this.runs.size > MAX_RUNS) this.forget(this.runs.keys().next().value!)
    }
    for (const [index, sample] of samples) run.set(index, sample)
  }

  /** The run has `totalSamples` samples (kept for the MAX_RUNS runs told last; a run whose total is gone completes after its commit). */
  noteTotal(runId: string, totalSamples: number): void {
    if (this.totals.has(runId)) return
    this.totals.set(runId, totalSamples)
    if (this.totals.size > MAX_RUNS) this.totals.delete(this.totals.keys().next().value!)
  }

  /** Every one of the run's `totalSamples` results in sample order, when this process stored them all; else undefined. */
  all(runId: string, totalSamples: number): Array<SummarisedSample> | undefined {
    const run = this.runs.get(runId)
    if (run === undefined || run.size < totalSamples) return undefined
    return inSampleOrder(run)
  }

  /** `batchSize` more results would make the run's total, counting those stored here (its total known). */
  completesWith(runId: string, batchSize: number): boolean {
    const total = this.totals.get(runId)
    return total !== undefined && (this.runs.get(runId)?.size ?? 0) + batchSize === total
  }

  /**
   * Every result of the run in sample order — those stored here and `batch` (results about to be stored) —
   * when together they are exactly its samples (the total known, no index twice); with how many were stored
   * here before. Else undefined: the run completes after its commit, as without this.
   */
  allWith(runId: string, batch: ReadonlyArray<readonly [number, SummarisedSample]>): { readonly samples: Array<SummarisedSample>; readonly storedBefore: number } | undefined {
    if (!this.completesWith(runId, batch.length)) return undefined
    const stored = this.runs.get(runId) ?? new Map<number, SummarisedSample>()
    const every = new Map(stored)
    for (const [index, sample] of batch) {
      if (every.has(index)) return undefined
      every.set(index, sample)
    }
    return { samples: inSampleOrder(every), storedBefore: stored.size }
  }

  forget(runId: string): void {
    this.runs.delete(runId)
    this.totals.delete(runId)
  }
}
