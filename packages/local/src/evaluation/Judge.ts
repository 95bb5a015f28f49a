/** What a judge sees of one sample, and what it answers (core's LlmEvaluation). */
import type { LlmEvaluation } from "@fruxkit/core"

export interface JudgedExecution {
  readonly status: string
  readonly response: string
  readonly error: string | undefined
  readonly durationMs: number
  readonly cost: number
}

export interface JudgeInput {
  readonly parameters: Readonly<Record<string, unknown>>
  /** The sample's snapshotted output: the reference answer. */
  readonly expected: string
  readonly base: JudgedExecution
  readonly candidate: JudgedExecution
}

export interface Judge {
  readonly name: "heuristic" | "llm"
  /** Throws JudgeError when it cannot judge: that sample's evaluation fails, not the run. */
  readonly judge: (input: JudgeInput, signal: AbortSignal) => Promise<LlmEvaluation>
}

export class JudgeError extends Error {
  constructor(
    readonly title: string,
    message: string
  ) {
    super(message)
    this.name = "JudgeError"
  }
}

/** Assessment categories, shared by both judges and the summary. */
export const ASSESSMENTS = ["IMPROVED", "EQUIVALENT", "REGRESSED", "FAILED"] as const
export type Assessment = (typeof ASSESSMENTS)[number]

/** Scores are 0–10. */
export const MAX_SCORE = 10
