/** Evaluation runs: a candidate revision against the deployed one over a dataset. */
import * as Schema from "effect/Schema"
import * as Secrets from "../Secrets.js"
import * as Field from "./Field.js"
import * as OpenEnum from "./OpenEnum.js"
import { DraftTestResponse } from "./DraftTest.js"
import { IntFromString, PageQueryFields, Page, Repeated } from "./Paging.js"

/**
 * `PENDING → IN_PROGRESS → COMPLETED | FAILED | CANCELLED`. The contract
 * documents PENDING and IN_PROGRESS (not RUNNING); the terminal three are our
 * reading, kept here and nowhere else.
 */
export const EvaluationRunStatus = OpenEnum.make("EvaluationRunStatus", [
  "UNSPECIFIED",
  "PENDING",
  "IN_PROGRESS",
  "COMPLETED",
  "FAILED",
  "CANCELLED"
])
export type EvaluationRunStatus = typeof EvaluationRunStatus.Open.Type

export const TERMINAL_RUN_STATUSES: ReadonlySet<string> = new Set(["COMPLETED", "FAILED", "CANCELLED"])
export const isTerminalRunStatus = (status: string): boolean => TERMINAL_RUN_STATUSES.has(status)

/**
 * Whether a key of an external agent's connection parameters holds a secret:
 * core's one secret rule (Secrets.ts), matched case-insensitively, so
 * `auth_header_value`, `api_key`, `Password`, `refresh_token`, … all are.
 */
export const SECRET_EXTERNAL_CONFIG_KEYS: Pick<ReadonlySet<string>, "has"> = Secrets.secretKeys

const ExternalParameterValue = Schema.Union(Schema.String, Schema.Number, Schema.Boolean, Schema.Null)

/**
 * An externally hosted agent. Conventional keys: `endpoint`, `assistant_id`,
 * `auth_header_name`, `auth_header_value`, `api_key`, `timeout_seconds`.
 */
export const CandidateExternalConfig = Schema.Struct({
  parameters: Schema.Record({ key: Schema.String, value: ExternalParameterValue })
}).annotations({ identifier: "CandidateExternalConfig" })
export type CandidateExternalConfig = typeof CandidateExternalConfig.Type

/** The candidate's configuration for an unsaved draft: flow, tools, parameters (free-form). */
export const CandidateAgent = Schema.Record({ key: Schema.String, value: Schema.Unknown }).annotations({
  identifier: "CandidateAgent"
})

export const EvaluateRequest = Schema.Struct({
  agent: Schema.optional(Schema.NullOr(CandidateAgent)),
  datasetId: Schema.optional(Schema.NullOr(Schema.Union(Schema.UUID, Schema.Literal("")))),
  candidateRevision: Schema.optional(Schema.NullOr(Schema.Int.pipe(Schema.nonNegative()))),
  candidateExternalConfig: Schema.optional(Schema.NullOr(CandidateExternalConfig))
}).annotations({ identifier: "EvaluateRequest" })
export type EvaluateRequest = typeof EvaluateRequest.Type

/** `draft:evaluate`'s body: only the dataset (the candidate is the draft head named by If-Match). */
export const DraftEvaluateRequest = Schema.Struct({
  datasetId: Schema.optional(Schema.NullOr(Schema.Union(Schema.UUID, Schema.Literal(""))))
}).annotations({ identifier: "DraftEvaluateRequest" })
export type DraftEvaluateRequest = typeof DraftEvaluateRequest.Type

export const RuntimeSummary = Schema.Struct({
  totalCandidateMs: Field.number,
  totalBaseMs: Field.number,
  averageCandidateMs: Field.number,
  averageBaseMs: Field.number,
  stdevCandidateMs: Field.number
}).annotations({ identifier: "RuntimeSummary" })

export const CostSummary = Schema.Struct({
  totalCandidate: Field.number,
  totalBase: Field.number,
  averageCandidate: Field.number,
  averageBase: Field.number
}).annotations({ identifier: "CostSummary" })

const Counts = Schema.Record({ key: Schema.String, value: Schema.Number })

export const EvaluationRunSummary = Schema.Struct({
  totalSamples: Field.number,
  successfulEvaluations: Field.number,
  failedEvaluations: Field.number,
  averageLlmScore: Field.number,
  scoreDistribution: Field.orDefault(Counts, () => ({})),
  assessmentDistribution: Field.orDefault(Counts, () => ({})),
  topConcerns: Field.stringArray,
  keyImprovements: Field.stringArray,
  runtime: Field.nullable(RuntimeSummary),
  cost: Field.nullable(CostSummary)
}).annotations({ identifier: "EvaluationRunSummary" })
export type EvaluationRunSummary = typeof EvaluationRunSummary.Type

/**
 * fruxkit extension (Fruxon omits it; responses are open, so other clients
 * ignore it): how far a run has got while `summary` is still empty.
 */
export const EvaluationRunProgress = Schema.Struct({
  totalSamples: Field.number,
  completedSamples: Field.number,
  failedSamples: Field.number
}).annotations({ identifier: "EvaluationRunProgress" })
export type EvaluationRunProgress = typeof EvaluationRunProgress.Type

export const EvaluationRun = Schema.Struct({
  id: Schema.String,
  agentId: Field.string,
  datasetId: Field.nullable(Schema.String),
  candidateRevision: Field.nullable(Schema.Number),
  candidateBaseRevision: Field.nullable(Schema.Number),
  candidateSnapshotSeqNo: Field.nullable(Schema.Number),
  deployedRevision: Field.nullable(Schema.Number),
  status: Field.orDefault(EvaluationRunStatus.Open, () => "UNSPECIFIED"),
  score: Field.nullable(Schema.Number),
  deploymentRecommendation: Field.nullable(Schema.String),
  summary: Field.nullable(EvaluationRunSummary),
  errorMessage: Field.nullable(Schema.String),
  createdAt: Field.epochMillis,
  modifiedAt: Field.epochMillis,
  startedAt: Field.epochMillis,
  completedAt: Field.epochMillis,
  createdBy: Field.string,
  progress: Field.nullable(EvaluationRunProgress)
}).annotations({ identifier: "EvaluationRun" })
export type EvaluationRun = typeof EvaluationRun.Type

export const EvaluationRunsPage = Page(EvaluationRun, "EvaluationRunsPage")
export type EvaluationRunsPage = typeof EvaluationRunsPage.Type

export const EvaluationRunsQuery = Schema.Struct({
  ...PageQueryFields,
  candidateRevision: Schema.optional(IntFromString),
  deployedRevision: Schema.optional(IntFromString),
  status: Schema.optional(Repeated(EvaluationRunStatus.Strict))
}).annotations({ identifier: "EvaluationRunsQuery" })
export type EvaluationRunsQuery = typeof EvaluationRunsQuery.Type

export const LlmEvaluation = Schema.Struct({
  score: Field.number,
  overallAssessment: Field.string,
  summary: Field.string,
  analysis: Field.string,
  keyImprovements: Field.stringArray,
  concernsRisks: Field.stringArray,
  deploymentRecommendations: Field.stringArray,
  monitoringPriorities: Field.stringArray,
  errorCategory: Field.nullable(Schema.String),
  errorTitle: Field.nullable(Schema.String),
  errorRecommendation: Field.nullable(Schema.String)
}).annotations({ identifier: "LlmEvaluation" })
export type LlmEvaluation = typeof LlmEvaluation.Type

export const SystemEvaluation = Schema.Struct({
  baseRuntimeMs: Field.number,
  candidateRuntimeMs: Field.number,
  baseCost: Field.number,
  candidateCost: Field.number
}).annotations({ identifier: "SystemEvaluation" })
export type SystemEvaluation = typeof SystemEvaluation.Type

export const EvaluationRunSampleResult = Schema.Struct({
  sampleId: Field.string,
  sampleIndex: Field.number,
  parameters: Field.jsonObject,
  baseRevisionResult: Field.nullable(DraftTestResponse),
  candidateRevisionResult: Field.nullable(DraftTestResponse),
  llmEvaluation: Field.nullable(LlmEvaluation),
  systemEvaluation: Field.nullable(SystemEvaluation)
}).annotations({ identifier: "EvaluationRunSampleResult" })
export type EvaluationRunSampleResult = typeof EvaluationRunSampleResult.Type

export const EvaluationRunSamplesPage = Page(EvaluationRunSampleResult, "EvaluationRunSamplesPage")
export type EvaluationRunSamplesPage = typeof EvaluationRunSamplesPage.Type

export const EvaluationRunSamplesQuery = Schema.Struct(PageQueryFields).annotations({
  identifier: "EvaluationRunSamplesQuery"
})
