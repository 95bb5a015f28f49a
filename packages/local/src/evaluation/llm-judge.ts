/**
 * The LLM judge: asks the configured OpenAI-compatible model for a JSON
 * verdict and validates it with a Schema. An unreachable model, an HTTP
 * error or a verdict that is not valid JSON of that shape fails that
 * sample's evaluation (JudgeError), never the run or the process.
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { ChatModel } from "../runtime/ChatModel.js"
import { ChatModelError } from "../runtime/ChatModel.js"
import { ASSESSMENTS, JudgeError, MAX_SCORE, type Judge, type JudgeInput } from "./Judge.js"

export const LlmVerdict = Schema.Struct({
  score: Schema.Number.pipe(Schema.between(0, MAX_SCORE)),
  overallAssessment: Schema.Literal(...ASSESSMENTS),
  summary: Schema.String,
  analysis: Schema.optionalWith(Schema.String, { default: () => "" }),
  keyImprovements: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  concernsRisks: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  deploymentRecommendations: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  monitoringPriorities: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] })
})

const SYSTEM_PROMPT = `You compare a candidate agent's answer with the deployed (base) agent's answer for the same input.
Answer with one JSON object only:
{"score": number 0-10 (quality of the candidate), "overallAssessment": "IMPROVED" | "EQUIVALENT" | "REGRESSED" | "FAILED",
 "summary": string, "analysis": string, "keyImprovements": string[], "concernsRisks": string[],
 "deploymentRecommendations": string[], "monitoringPriorities": string[]}`

const describe = (input: JudgeInput): string =>
  JSON.stringify({
    input: input.parameters,
    expectedOutput: input.expected,
    base: { status: input.base.status, answer: input.base.response, error: input.base.error ?? null, runtimeMs: input.base.durationMs },
    candidate: {
      status: input.candidate.status,
      answer: input.candidate.response,
      error: input.candidate.error ?? null,
      runtimeMs: input.candidate.durationMs
    }
  })

export const makeLlmJudge = (model: ChatModel): Judge => ({
  name: "llm",
  async judge(input, signal) {
    let content: string
    try {
      const completion = await model.complete({
        messages: [
          { role: "system", content: SYSTEM_PROMPT },
          { role: "user", content: describe(input) }
        ],
        json: true,
        signal
      })
      content = completion.content
    } catch (error) {
      if (signal.aborted) throw error
      throw new JudgeError("Judge unavailable", error instanceof ChatModelError ? error.message : "the judge model failed")
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(content)
    } catch {
      throw new JudgeError("Judge returned invalid JSON", "the judge's reply is not a JSON object")
    }
    const verdict = Schema.decodeUnknownEither(LlmVerdict)(parsed)
    if (Either.isLeft(verdict)) {
      const issues = ParseResult.ArrayFormatter.formatErrorSync(verdict.left)
        .map((i) => `${i.path.join(".") || "verdict"}: ${i.message}`)
        .join("; ")
      throw new JudgeError("Judge returned an invalid verdict", issues)
    }
    const v = verdict.right
    return {
      score: v.score,
      overallAssessment: v.overallAssessment,
      summary: v.summary,
      analysis: v.analysis,
      keyImprovements: v.keyImprovements,
      concernsRisks: v.concernsRisks,
      deploymentRecommendations: v.deploymentRecommendations,
      monitoringPriorities: v.monitoringPriorities,
      errorCategory: null,
      errorTitle: null,
      errorRecommendation: null
    }
  }
})
