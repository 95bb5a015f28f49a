/** `-o csv`: the per-sample table as RFC 4180 CSV (one row per sample, in sample order). */
import type { EvaluationRunSampleResult } from "@fruxkit/core"
import { RunComparison } from "@fruxkit/core"

const cell = (value: string | number | boolean | null | undefined): string => {
  const text = value === null || value === undefined ? "" : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export const csvLine = (cells: ReadonlyArray<string | number | boolean | null | undefined>): string => cells.map(cell).join(",")

export const SAMPLE_CSV_HEADER = [
  "sample_index",
  "sample_id",
  "score",
  "assessment",
  "regression",
  "base_status",
  "candidate_status",
  "base_runtime_ms",
  "candidate_runtime_ms",
  "base_cost",
  "candidate_cost",
  "summary"
] as const

export const samplesCsv = (samples: ReadonlyArray<EvaluationRunSampleResult>): string =>
  [
    csvLine(SAMPLE_CSV_HEADER),
    ...[...samples]
      .sort((a, b) => a.sampleIndex - b.sampleIndex)
      .map((s) =>
        csvLine([
          s.sampleIndex,
          s.sampleId,
          s.llmEvaluation?.score,
          s.llmEvaluation?.overallAssessment,
          RunComparison.isRegression(s),
          s.baseRevisionResult?.status,
          s.candidateRevisionResult?.status,
          s.systemEvaluation?.baseRuntimeMs,
          s.systemEvaluation?.candidateRuntimeMs,
          s.systemEvaluation?.baseCost,
          s.systemEvaluation?.candidateCost,
          s.llmEvaluation?.summary
        ])
      )
  ].join("\n")
