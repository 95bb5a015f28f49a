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
const CandidateExternalConfigSchema = Schema.Struct({
  parameters: Schema.Record({ key: Schema.String, value: ExternalParameterValue })
}).annotations({ identifier: "CandidateExternalConfig" })
export interface CandidateExternalConfig extends Schema.Schema.Type<typeof CandidateExternalConfigSchema> {}
export interface CandidateExternalConfigEncoded extends Schema.Schema.Encoded<typeof CandidateExternalConfigSchema> {}
export const CandidateExternalConfig: Schema.Schema<CandidateExternalConfig, CandidateExternalConfigEncoded> = CandidateExternalConfigSchema

/** The candidate's configuration for an unsaved draft: flow, tools, parameters (free-form). */
export const CandidateAgent = Schema.Record({ key: Schema.String, value: Schema.Unknown }).annotations({
  identifier: "CandidateAgent"
})

const EvaluateRequestSchema = Schema.Struct({
  agent: Schema.optional(Schema.NullOr(CandidateAgent)),
  datasetId: Schema.optional(Schema.NullOr(Schema.Union(Schema.UUID, Schema.Literal("")))),
  candidateRevision: Schema.optional(Schema.NullOr(Schema.Int.pipe(Schema.nonNegative()))),
  candidateExternalConfig: Schema.optional(Schema.NullOr(CandidateExternalConfig))
}).annotations({ identifier: "EvaluateRequest" })
export interface EvaluateRequest extends Schema.Schema.Type<typeof EvaluateRequestSchema> {}
export interface EvaluateRequestEncoded extends Schema.Schema.Encoded<typeof EvaluateRequestSchema> {}
export const EvaluateRequest: Schema.Schema<EvaluateRequest, EvaluateRequestEncoded> = EvaluateRequestSchema

/** `draft:evaluate`'s body: only the dataset (the candidate is the draft head named by If-Match). */
const DraftEvaluateRequestSchema = Schema.Struct({
  datasetId: Schema.optional(Schema.NullOr(Schema.Union(Schema.UUID, Schema.Literal(""))))
}).annotations({ identifier: "DraftEvaluateRequest" })
export interface DraftEvaluateRequest extends Schema.Schema.Type<typeof DraftEvaluateRequestSchema> {}
export interface DraftEvaluateRequestEncoded extends Schema.Schema.Encoded<typeof DraftEvaluateRequestSchema> {}
export const DraftEvaluateRequest: Schema.Schema<DraftEvaluateRequest, DraftEvaluateRequestEncoded> = DraftEvaluateRequestSchema

const RuntimeSummarySchema = Schema.Struct({
  totalCandidateMs: Field.number,
  totalBaseMs: Field.number,
  averageCandidateMs: Field.number,
  averageBaseMs: Field.number,
  stdevCandidateMs: Field.number
}).annotations({ identifier: "RuntimeSummary" })
export interface RuntimeSummary extends Schema.Schema.Type<typeof RuntimeSummarySchema> {}
export interface RuntimeSummaryEncoded extends Schema.Schema.Encoded<typeof RuntimeSummarySchema> {}
export const RuntimeSummary: Schema.Schema<RuntimeSummary, RuntimeSummaryEncoded> = RuntimeSummarySchema

const CostSummarySchema = Schema.Struct({
  totalCandidate: Field.number,
  totalBase: Field.number,
  averageCandidate: Field.number,
  averageBase: Field.number
}).annotations({ identifier: "CostSummary" })
export interface CostSummary extends Schema.Schema.Type<typeof CostSummarySchema> {}
export interface CostSummaryEncoded extends Schema.Schema.Encoded<typeof CostSummarySchema> {}
export const CostSummary: Schema.Schema<CostSummary, CostSummaryEncoded> = CostSummarySchema

const Counts = Schema.Record({ key: Schema.String, value: Schema.Number })

const EvaluationRunSummarySchema = Schema.Struct({
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
export interface EvaluationRunSummary extends Schema.Schema.Type<typeof EvaluationRunSummarySchema> {}
export interface EvaluationRunSummaryEncoded extends Schema.Schema.Encoded<typeof EvaluationRunSummarySchema> {}
export const EvaluationRunSummary: Schema.Schema<EvaluationRunSummary, EvaluationRunSummaryEncoded> = EvaluationRunSummarySchema

/**
 * fruxkit extension (Fruxon omits it; responses are open, so other clients
 * ignore it): how far a run has got while `summary` is still empty.
 */
const EvaluationRunProgressSchema = Schema.Struct({
  totalSamples: Field.number,
  completedSamples: Field.number,
  failedSamples: Field.number
}).annotations({ identifier: "EvaluationRunProgress" })
export interface EvaluationRunProgress extends Schema.Schema.Type<typeof EvaluationRunProgressSchema> {}
export interface EvaluationRunProgressEncoded extends Schema.Schema.Encoded<typeof EvaluationRunProgressSchema> {}
export const EvaluationRunProgress: Schema.Schema<EvaluationRunProgress, EvaluationRunProgressEncoded> = EvaluationRunProgressSchema

const EvaluationRunSchema = Schema.Struct({
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
export interface EvaluationRun extends Schema.Schema.Type<typeof EvaluationRunSchema> {}
export interface EvaluationRunEncoded extends Schema.Schema.Encoded<typeof EvaluationRunSchema> {}
export const EvaluationRun: Schema.Schema<EvaluationRun, EvaluationRunEncoded> = EvaluationRunSchema

const EvaluationRunsPageSchema = Page(EvaluationRun, "EvaluationRunsPage")
export interface EvaluationRunsPage extends Schema.Schema.Type<typeof EvaluationRunsPageSchema> {}
export interface EvaluationRunsPageEncoded extends Schema.Schema.Encoded<typeof EvaluationRunsPageSchema> {}
export const EvaluationRunsPage: Schema.Schema<EvaluationRunsPage, EvaluationRunsPageEncoded> = EvaluationRunsPageSchema

const EvaluationRunsQuerySchema = Schema.Struct({
  ...PageQueryFields,
  candidateRevision: Schema.optional(IntFromString),
  deployedRevision: Schema.optional(IntFromString),
  status: Schema.optional(Repeated(EvaluationRunStatus.Strict))
}).annotations({ identifier: "EvaluationRunsQuery" })
export interface EvaluationRunsQuery extends Schema.Schema.Type<typeof EvaluationRunsQuerySchema> {}
export interface EvaluationRunsQueryEncoded extends Schema.Schema.Encoded<typeof EvaluationRunsQuerySchema> {}
export const EvaluationRunsQuery: Schema.Schema<EvaluationRunsQuery, EvaluationRunsQueryEncoded> = EvaluationRunsQuerySchema

const LlmEvaluationSchema = Schema.Struct({
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
export interface LlmEvaluation extends Schema.Schema.Type<typeof LlmEvaluationSchema> {}
export interface LlmEvaluationEncoded extends Schema.Schema.Encoded<typeof LlmEvaluationSchema> {}
export const LlmEvaluation: Schema.Schema<LlmEvaluation, LlmEvaluationEncoded> = LlmEvaluationSchema

const SystemEvaluationSchema = Schema.Struct({
  baseRuntimeMs: Field.number,
  candidateRuntimeMs: Field.number,
  baseCost: Field.number,
  candidateCost: Field.number
}).annotations({ identifier: "SystemEvaluation" })
export interface SystemEvaluation extends Schema.Schema.Type<typeof SystemEvaluationSchema> {}
export interface SystemEvaluationEncoded extends Schema.Schema.Encoded<typeof SystemEvaluationSchema> {}
export const SystemEvaluation: Schema.Schema<SystemEvaluation, SystemEvaluationEncoded> = SystemEvaluationSchema

const EvaluationRunSampleResultSchema = Schema.Struct({
  sampleId: Field.string,
  sampleIndex: Field.number,
  parameters: Field.jsonObject,
  baseRevisionResult: Field.nullable(DraftTestResponse),
  candidateRevisionResult: Field.nullable(DraftTestResponse),
  llmEvaluation: Field.nullable(LlmEvaluation),
  systemEvaluation: Field.nullable(SystemEvaluation)
}).annotations({ identifier: "EvaluationRunSampleResult" })
export interface EvaluationRunSampleResult extends Schema.Schema.Type<typeof EvaluationRunSampleResultSchema> {}
export interface EvaluationRunSampleResultEncoded extends Schema.Schema.Encoded<typeof EvaluationRunSampleResultSchema> {}
export const EvaluationRunSampleResult: Schema.Schema<EvaluationRunSampleResult, EvaluationRunSampleResultEncoded> = EvaluationRunSampleResultSchema

const EvaluationRunSamplesPageSchema = Page(EvaluationRunSampleResult, "EvaluationRunSamplesPage")
export interface EvaluationRunSamplesPage extends Schema.Schema.Type<typeof EvaluationRunSamplesPageSchema> {}
export interface EvaluationRunSamplesPageEncoded extends Schema.Schema.Encoded<typeof EvaluationRunSamplesPageSchema> {}
export const EvaluationRunSamplesPage: Schema.Schema<EvaluationRunSamplesPage, EvaluationRunSamplesPageEncoded> = EvaluationRunSamplesPageSchema

const EvaluationRunSamplesQuerySchema = Schema.Struct(PageQueryFields).annotations({
  identifier: "EvaluationRunSamplesQuery"
})
export interface EvaluationRunSamplesQuery extends Schema.Schema.Type<typeof EvaluationRunSamplesQuerySchema> {}
export interface EvaluationRunSamplesQueryEncoded extends Schema.Schema.Encoded<typeof EvaluationRunSamplesQuerySchema> {}
export const EvaluationRunSamplesQuery: Schema.Schema<EvaluationRunSamplesQuery, EvaluationRunSamplesQueryEncoded> = EvaluationRunSamplesQuerySchema
