/** Execution records: every run of an agent (real traffic or a draft test). */
import * as Schema from "effect/Schema"
import * as Field from "./Field.js"
import { EnvironmentSlug, ExecutionMode, ExecutionStatus } from "./DraftTest.js"
import { ExecutionTrace, StepResult } from "./ExecutionTrace.js"
import { IntFromString, PageQueryFields, Page, Repeated } from "./Paging.js"

export const ExecutionRecord = Schema.Struct({
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
export type ExecutionRecord = typeof ExecutionRecord.Type

export const ExecutionRecordsPage = Page(ExecutionRecord, "ExecutionRecordsPage")
export type ExecutionRecordsPage = typeof ExecutionRecordsPage.Type

export const ExecutionRecordsQuery = Schema.Struct({
  ...PageQueryFields,
  startTime: Schema.optional(IntFromString),
  endTime: Schema.optional(IntFromString),
  environmentSlug: Schema.optional(Schema.String),
  status: Schema.optional(Repeated(ExecutionStatus.Strict)),
  agentRevision: Schema.optional(IntFromString)
}).annotations({ identifier: "ExecutionRecordsQuery" })
export type ExecutionRecordsQuery = typeof ExecutionRecordsQuery.Type

export const ExecutionRecordTrace = Schema.Struct({
  status: Field.orDefault(ExecutionStatus.Open, () => "UNSPECIFIED"),
  trace: Field.nullable(ExecutionTrace)
}).annotations({ identifier: "ExecutionRecordTrace" })
export type ExecutionRecordTrace = typeof ExecutionRecordTrace.Type

export const ExecutionRecordResult = Schema.Struct({
  agentExecutionRecordId: Field.string,
  agentId: Field.string,
  agentRevision: Field.number,
  parameters: Field.jsonObject,
  result: Field.nullable(StepResult),
  createdAt: Field.epochMillis,
  tenantId: Field.string
}).annotations({ identifier: "ExecutionRecordResult" })
export type ExecutionRecordResult = typeof ExecutionRecordResult.Type

export const ExecuteRequest = Schema.Struct({
  parameters: Schema.optional(Schema.NullOr(Field.JsonObject)),
  attachments: Schema.optional(Schema.NullOr(Schema.Array(Schema.Unknown))),
  chatUser: Schema.optional(Schema.NullOr(Schema.Unknown)),
  sessionId: Schema.optional(Schema.NullOr(Schema.String)),
  environmentSlug: Schema.optional(Schema.NullOr(EnvironmentSlug)),
  mode: Schema.optional(ExecutionMode.Strict)
}).annotations({ identifier: "ExecuteRequest" })
export type ExecuteRequest = typeof ExecuteRequest.Type
