/** Execution records: every run of an agent (real traffic or a draft test). */
import * as Schema from "effect/Schema"
import * as Field from "./Field.js"
import { EnvironmentSlug, ExecutionMode, ExecutionStatus } from "./DraftTest.js"
import { ExecutionTrace, StepResult } from "./ExecutionTrace.js"
import { IntFromString, PageQueryFields, Page, Repeated } from "./Paging.js"

const ExecutionRecordSchema = Schema.Struct({
  id: Schema.String,
  agentId: Field.string,
  agentRevision: Field.number,
  startTime: Field.epochMillis,
  endTime: Field.epochMillis,
  status: Field.orDefault(ExecutionStatus.Open, () => "UNSPECIFIED"),
  inputTokens: Field.number,
  outputTokens: Field.number,
  hasResult: Field.boolean,
  hasTrace: Field.boolean,
  isSample: Field.boolean,
  environmentSlug: Field.nullable(Schema.String),
  createdAt: Field.epochMillis,
  tenantId: Field.string,
  inputCost: Field.number,
  outputCost: Field.number,
  totalCost: Field.number
}).annotations({ identifier: "ExecutionRecord" })
export interface ExecutionRecord extends Schema.Schema.Type<typeof ExecutionRecordSchema> {}
export interface ExecutionRecordEncoded extends Schema.Schema.Encoded<typeof ExecutionRecordSchema> {}
export const ExecutionRecord: Schema.Schema<ExecutionRecord, ExecutionRecordEncoded> = ExecutionRecordSchema

const ExecutionRecordsPageSchema = Page(ExecutionRecord, "ExecutionRecordsPage")
export interface ExecutionRecordsPage extends Schema.Schema.Type<typeof ExecutionRecordsPageSchema> {}
export interface ExecutionRecordsPageEncoded extends Schema.Schema.Encoded<typeof ExecutionRecordsPageSchema> {}
export const ExecutionRecordsPage: Schema.Schema<ExecutionRecordsPage, ExecutionRecordsPageEncoded> = ExecutionRecordsPageSchema

const ExecutionRecordsQuerySchema = Schema.Struct({
  ...PageQueryFields,
  startTime: Schema.optional(IntFromString),
  endTime: Schema.optional(IntFromString),
  environmentSlug: Schema.optional(Schema.String),
  status: Schema.optional(Repeated(ExecutionStatus.Strict)),
  agentRevision: Schema.optional(IntFromString)
}).annotations({ identifier: "ExecutionRecordsQuery" })
export interface ExecutionRecordsQuery extends Schema.Schema.Type<typeof ExecutionRecordsQuerySchema> {}
export interface ExecutionRecordsQueryEncoded extends Schema.Schema.Encoded<typeof ExecutionRecordsQuerySchema> {}
export const ExecutionRecordsQuery: Schema.Schema<ExecutionRecordsQuery, ExecutionRecordsQueryEncoded> = ExecutionRecordsQuerySchema

const ExecutionRecordTraceSchema = Schema.Struct({
  status: Field.orDefault(ExecutionStatus.Open, () => "UNSPECIFIED"),
  trace: Field.nullable(ExecutionTrace)
}).annotations({ identifier: "ExecutionRecordTrace" })
export interface ExecutionRecordTrace extends Schema.Schema.Type<typeof ExecutionRecordTraceSchema> {}
export interface ExecutionRecordTraceEncoded extends Schema.Schema.Encoded<typeof ExecutionRecordTraceSchema> {}
export const ExecutionRecordTrace: Schema.Schema<ExecutionRecordTrace, ExecutionRecordTraceEncoded> = ExecutionRecordTraceSchema

const ExecutionRecordResultSchema = Schema.Struct({
  agentExecutionRecordId: Field.string,
  agentId: Field.string,
  agentRevision: Field.number,
  parameters: Field.jsonObject,
  result: Field.nullable(StepResult),
  createdAt: Field.epochMillis,
  tenantId: Field.string
}).annotations({ identifier: "ExecutionRecordResult" })
export interface ExecutionRecordResult extends Schema.Schema.Type<typeof ExecutionRecordResultSchema> {}
export interface ExecutionRecordResultEncoded extends Schema.Schema.Encoded<typeof ExecutionRecordResultSchema> {}
export const ExecutionRecordResult: Schema.Schema<ExecutionRecordResult, ExecutionRecordResultEncoded> = ExecutionRecordResultSchema

const ExecuteRequestSchema = Schema.Struct({
  parameters: Schema.optional(Schema.NullOr(Field.JsonObject)),
  attachments: Schema.optional(Schema.NullOr(Schema.Array(Schema.Unknown))),
  chatUser: Schema.optional(Schema.NullOr(Schema.Unknown)),
  sessionId: Schema.optional(Schema.NullOr(Schema.String)),
  environmentSlug: Schema.optional(Schema.NullOr(EnvironmentSlug)),
  mode: Schema.optional(ExecutionMode.Strict)
}).annotations({ identifier: "ExecuteRequest" })
export interface ExecuteRequest extends Schema.Schema.Type<typeof ExecuteRequestSchema> {}
export interface ExecuteRequestEncoded extends Schema.Schema.Encoded<typeof ExecuteRequestSchema> {}
export const ExecuteRequest: Schema.Schema<ExecuteRequest, ExecuteRequestEncoded> = ExecuteRequestSchema
