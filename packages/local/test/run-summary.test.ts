/**
 * A stored run is completed from a light read of its results (only what the summary uses: EvaluationRunRepository's
 * toSummarisedSample), not from every full result. The summary it stores is byte for byte the one the full
 * results give.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { summarise } from "../src/evaluation/summary.js"
import { makeSqlRunStore } from "../src/store/EvaluationRunRepository.js"
import type { RunRecord, RunSampleRow } from "../src/store/RunStore.js"
import * as SqliteDatabase from "../src/store/SqliteDatabase.js"
import * as Store from "../src/store/Store.js"
import { runRecord, tempDir } from "./support.js"

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
  return {
    sampleIndex: index,
    sampleId: `s${index}`,
    failed,
    result: {
      sampleId: `s${index}`,
      sampleIndex: index,
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
    }
  }
}

describe("completing a stored run", () => {
  let store: Store.Store

  beforeAll(async () => {
    store = await Store.open(SqliteDatabase.layer(tempDir()))
  })
  afterAll(() => store.close())

  it("stores the summary the full results give, byte for byte", async () => {
    const runs = makeSqlRunStore(store)
    const samples = 40
    await runs.insert(run("r1", samples))
    const rows = Array.from({ length: samples }, (_, i) => sample(i))
    // Two group commits, the results out of order: the second completes the run.
    expect(await runs.saveSampleResults(rows.filter((_, i) => i % 2 === 1).map((row) => ({ runId: "r1", row })), 2)).toEqual([])
    expect(await runs.saveSampleResults(rows.filter((_, i) => i % 2 === 0).map((row) => ({ runId: "r1", row })), 3)).toEqual(["r1"])

    const expected = summarise(await runs.sampleResults("r1"), samples)
    const [stored] = await store.run(
      Effect.flatMap(
        SqlClient.SqlClient,
        (sql) =>
          sql<{ status: string; summary: string; score: number; deployment_recommendation: string; completed_samples: number; failed_samples: number }>`SELECT
            status, summary, score, deployment_recommendation, completed_samples, failed_samples FROM evaluation_runs WHERE id = ${"r1"}`
      )
    )
    expect(stored!.status).toBe("COMPLETED")
    expect(stored!.summary).toBe(JSON.stringify(expected.summary))
    expect(stored!.score).toBe(expected.score)
    expect(stored!.deployment_recommendation).toBe(expected.deploymentRecommendation)
    expect([stored!.completed_samples, stored!.failed_samples]).toEqual([samples, rows.filter((row) => row.failed).length])
    // Completed once: a later settle (a worker that also saw every result stored) changes nothing.
    expect(await runs.settle("r1", 9)).toBe(false)
    expect((await runs.find("t", "a", "r1"))!.completedAt).toBe(3)
    // The fixture reaches every part of the summary.
    expect(expected.summary.runtime).not.toBeNull()
    expect(expected.summary.topConcerns.length).toBeGreaterThan(0)
    expect(expected.summary.keyImprovements.length).toBeGreaterThan(0)
    expect(expected.summary.failedEvaluations).toBeGreaterThan(0)
  })
})
