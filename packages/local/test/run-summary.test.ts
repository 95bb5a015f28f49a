/**
 * A stored run is completed from the results the completing process stored itself, when that is every one of them
 * (StoredSummaries), else from a light read of its results (only what the summary uses: EvaluationRunRepository's
 * toSummarisedSample), not from every full result. Either way the summary it stores is byte for byte the one the
 * full stored results give. On both engines.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { summarise } from "../src/evaluation/summary.js"
import { makeSqlRunStore } from "../src/store/EvaluationRunRepository.js"
import type { RunRecord, RunSampleRow } from "../src/store/RunStore.js"
import * as PgDatabase from "../src/store/PgDatabase.js"
import * as SqliteDatabase from "../src/store/SqliteDatabase.js"
import * as Store from "../src/store/Store.js"
import { createDatabase } from "./postgres.js"
import { runRecord, sampleRow, tempDir } from "./support.js"

const run = (id: string, samples: number): RunRecord =>
  runRecord(id, samples, { status: "IN_PROGRESS", createdAt: 1, modifiedAt: 1, startedAt: 1 })

const response = (text: string) => ({
  response: text,
  trace: { duration: 12.5, steps: [{ type: "external", output: text }] },
  sessionId: "session",
  links: [],
  executionRecordId: "",
  status: "COMPLETED",
  humanApprovalRequestId: null,
  messageBlocks: []
})

/** Scores, phrases, fractional timings and costs (their sums depend on the order they are added in), failures. */
const sample = (index: number): RunSampleRow => {
  const failed = index % 7 === 3
  const assessments = ["IMPROVED", "EQUIVALENT", "REGRESSED", "FAILED"]
  return sampleRow(
    index,
    {
      parameters: { question: `q${index}` },
      baseRevisionResult: response(`base ${index}`) as never,
      candidateRevisionResult: response(`candidate ${index}`) as never,
      llmEvaluation: {
        score: failed ? 0 : (index * 1.37) % 10,
        overallAssessment: failed ? "EVALUATION_FAILED" : assessments[index % 4]!,
        summary: `summary ${index}`,
        analysis: "analysis",
        keyImprovements: index % 2 === 0 ? ["Closer to the expected output", `improvement ${index % 3}`] : [],
        concernsRisks: index % 3 === 0 ? ["Slower than the base by more than 50%", `concern ${index % 5}`] : [],
        deploymentRecommendations: [],
        monitoringPriorities: [],
        errorCategory: null,
        errorTitle: null,
        errorRecommendation: null
      },
      // A sample without timings: its agents never ran (a deleted sample).
      systemEvaluation:
        index % 11 === 5 ? null : { baseRuntimeMs: 10.1 + index * 0.3, candidateRuntimeMs: 20.7 + (index % 9) * 1.1, baseCost: 0.1 * index, candidateCost: 0.0003 * index + 0.2 }
    },
    failed
  )
}

/** Two stores on one database: two processes, as far as a store can tell. */
const ENGINES = [
  {
    name: "SQLite",
    open: async () => {
      const dir = tempDir()
      return [await Store.open(SqliteDatabase.layer(dir)), await Store.open(SqliteDatabase.layer(dir))] as const
    }
  },
  {
    name: "PostgreSQL",
    open: async () => {
      const url = await createDatabase()
      return [await Store.open(PgDatabase.layer(url, { maxConnections: 3 })), await Store.open(PgDatabase.layer(url, { maxConnections: 3 }))] as const
    }
  }
]

const SAMPLES = 40

describe.each(ENGINES)("completing a stored run ($name)", (engine) => {
  let here: Store.Store
  let elsewhere: Store.Store

  beforeAll(async () => {
    ;[here, elsewhere] = await engine.open()
  })
  afterAll(() => Promise.all([here.close(), elsewhere.close()]))

  const storedRun = (store: Store.Store, id: string) =>
    store.run(
      Effect.flatMap(
        SqlClient.SqlClient,
        (sql) =>
          sql<{ status: string; summary: string; score: number; deployment_recommendation: string; completed_samples: number; failed_samples: number }>`SELECT
            status, summary, score, deployment_recommendation, completed_samples, failed_samples FROM evaluation_runs WHERE id = ${id}`
      )
    ).then((rows) => rows[0]!)

  /** The run ended COMPLETED with the summary, score and counts `summarise` gives for `rows`. */
  const expectSummaryOf = async (store: Store.Store, id: string, rows: ReadonlyArray<RunSampleRow>) => {
    const expected = summarise(rows, SAMPLES)
    const stored = await storedRun(store, id)
    expect(stored.status).toBe("COMPLETED")
    expect(stored.summary).toBe(JSON.stringify(expected.summary))
    expect(stored.score).toBe(expected.score)
    expect(stored.deployment_recommendation).toBe(expected.deploymentRecommendation)
    expect([stored.completed_samples, stored.failed_samples]).toEqual([SAMPLES, rows.filter((row) => row.failed).length])
    return expected
  }

  it("stores the summary the full results give, byte for byte, from what it stored itself: it reads none of them back", async () => {
    const runs = makeSqlRunStore(here)
    await runs.insert(run("r1", SAMPLES))
    const rows = Array.from({ length: SAMPLES }, (_, i) => sample(i))
    // Two group commits, the results out of order: the second completes the run.
    expect(await runs.saveSampleResults(rows.filter((_, i) => i % 2 === 1).map((row) => ({ runId: "r1", row })), 2)).toEqual([])
    // A stored result garbled behind the store's back: a read of the results would fail to decode it.
    await here.run(Effect.flatMap(SqlClient.SqlClient, (sql) => sql`UPDATE evaluation_run_samples SET result = ${"{"} WHERE run_id = ${"r1"} AND sample_index = ${1}`))
    expect(await runs.saveSampleResults(rows.filter((_, i) => i % 2 === 0).map((row) => ({ runId: "r1", row })), 3)).toEqual(["r1"])

    const expected = await expectSummaryOf(here, "r1", rows)
    // Completed once: a later settle (a worker that also saw every result stored) changes nothing.
    expect(await runs.settle("r1", 9)).toBe(false)
    expect((await runs.find("t", "a", "r1"))!.completedAt).toBe(3)
    // The fixture reaches every part of the summary.
    expect(expected.summary.runtime).not.toBeNull()
    expect(expected.summary.topConcerns.length).toBeGreaterThan(0)
    expect(expected.summary.keyImprovements.length).toBeGreaterThan(0)
    expect(expected.summary.failedEvaluations).toBeGreaterThan(0)
  })

  it("completes the run in the commit that stores its last results: no transaction after it, even when that commit is its first", async () => {
    // The store as the run store sees it, counting the transactions it runs besides the queue's own statements.
    let others = 0
    const counted: Store.Store = { ...here, run: (effect) => (others++, here.run(effect)) }
    const runs = makeSqlRunStore(counted)
    const rows = Array.from({ length: SAMPLES }, (_, i) => sample(i))
    await runs.insert(run("r3", SAMPLES))
    expect(await runs.saveSampleResults(rows.slice(0, 25).map((row) => ({ runId: "r3", row })), 2)).toEqual([])
    others = 0
    expect(await runs.saveSampleResults(rows.slice(25).map((row) => ({ runId: "r3", row })), 3)).toEqual(["r3"])
    expect(others).toBe(0)
    await expectSummaryOf(here, "r3", rows)
    expect((await runs.find("t", "a", "r3"))!.completedAt).toBe(3)

    // A run claimed here (its size known) whose every result goes in one commit.
    await runs.insert(run("r4", SAMPLES))
    expect((await runs.claim("w", 4, 60_000, 32)).some((claimed) => claimed.id === "r4")).toBe(true)
    others = 0
    expect(await runs.saveSampleResults(rows.map((row) => ({ runId: "r4", row })), 5)).toEqual(["r4"])
    expect(others).toBe(0)
    await expectSummaryOf(here, "r4", rows)
  })

  it("does not complete the run in its last commit when another process stored results this one also holds: reads them back instead", async () => {
    const runs = makeSqlRunStore(here)
    const other = makeSqlRunStore(elsewhere)
    await runs.insert(run("r5", SAMPLES))
    const rows = Array.from({ length: SAMPLES }, (_, i) => sample(i))
    expect(await runs.saveSampleResults(rows.slice(0, 20).map((row) => ({ runId: "r5", row })), 2)).toEqual([])
    // Another process stores 20–29 with verdicts of its own; this one then commits 20–39 as if it held them all:
    // its summary would count its own verdicts for 20–29, which the run does not hold.
    const theirs = rows.slice(20, 30).map((row) => ({ ...row, result: { ...row.result, llmEvaluation: { ...row.result.llmEvaluation!, score: 1, overallAssessment: "REGRESSED" } } }))
    expect(await other.saveSampleResults(theirs.map((row) => ({ runId: "r5", row })), 3)).toEqual([])
    expect(await runs.saveSampleResults(rows.slice(20).map((row) => ({ runId: "r5", row })), 4)).toEqual(["r5"])
    const storedRows = await runs.sampleResults("r5")
    expect(storedRows.slice(20, 30).map((row) => row.result.llmEvaluation?.score)).toEqual(theirs.map(() => 1))
    await expectSummaryOf(here, "r5", storedRows)
    expect((await storedRun(here, "r5")).summary).not.toBe(JSON.stringify(summarise(rows, SAMPLES).summary))
  })

  it("reads the results back when another process stored some of them, and summarises the stored ones, not a replayed sample's second verdict", async () => {
    const runs = makeSqlRunStore(here)
    const other = makeSqlRunStore(elsewhere)
    await runs.insert(run("r2", SAMPLES))
    const rows = Array.from({ length: SAMPLES }, (_, i) => sample(i))
    // Another process stores a third of them; then this one judges every sample again (a lapsed lease taken
    // over): its second verdicts differ, and only those of samples nobody stored yet are stored.
    const first = rows.filter((_, i) => i % 3 === 0)
    expect(await other.saveSampleResults(first.map((row) => ({ runId: "r2", row })), 2)).toEqual([])
    const again = rows.map((row) => ({ ...row, result: { ...row.result, llmEvaluation: { ...row.result.llmEvaluation!, score: 10, overallAssessment: "IMPROVED" } } }))
    expect(await runs.saveSampleResults(again.map((row) => ({ runId: "r2", row })), 3)).toEqual(["r2"])

    const storedRows = await runs.sampleResults("r2")
    const verdict = (row: RunSampleRow) => [row.sampleIndex, row.result.llmEvaluation?.score, row.result.llmEvaluation?.overallAssessment]
    expect(storedRows.filter((row) => row.sampleIndex % 3 === 0).map(verdict)).toEqual(first.map(verdict))
    await expectSummaryOf(here, "r2", storedRows)
    // Not the summary of this process's own verdicts.
    expect((await storedRun(here, "r2")).summary).not.toBe(JSON.stringify(summarise(again, SAMPLES).summary))
  })
})
