/** Traces of one execution: the tree of steps an agent ran, with timing and cost. */
import * as Schema from "effect/Schema"
import * as Field from "./Field.js"
import * as OpenEnum from "./OpenEnum.js"

export const StepType = OpenEnum.make("StepType", [
  "UNSPECIFIED",
  "FLOW_STEP",
  "LLM_STEP",
  "TOOL",
  "HITL",
  "EXTERNAL_AGENT"
])
export const StepStatus = OpenEnum.make("StepStatus", ["UNSPECIFIED", "SUCCESS", "ERROR", "SKIPPED", "IN_PROGRESS"])

const StepResultSchema = Schema.Struct({
  strValue: Field.nullable(Schema.String),
  jsonValue: Schema.optionalWith(Schema.Unknown, { default: () => null }),
  fileLink: Field.nullable(Schema.String)
}).annotations({ identifier: "StepResult" })
export interface StepResult extends Schema.Schema.Type<typeof StepResultSchema> {}
export interface StepResultEncoded extends Schema.Schema.Encoded<typeof StepResultSchema> {}
export const StepResult: Schema.Schema<StepResult, StepResultEncoded> = StepResultSchema

const LlmStepTraceSchema = Schema.Struct({
  providerId: Field.string,
  model: Field.string,
  inputTokens: Field.number,
  outputTokens: Field.number,
  cachedTokens: Field.number,
  thinkingTokens: Field.number,
  inputCost: Field.number,
  outputCost: Field.number,
  cachedCost: Field.number,
  tools: Field.arrayOf(Schema.Unknown),
  llmMessages: Field.arrayOf(Schema.Unknown)
}).annotations({ identifier: "LlmStepTrace" })
export interface LlmStepTrace extends Schema.Schema.Type<typeof LlmStepTraceSchema> {}
export interface LlmStepTraceEncoded extends Schema.Schema.Encoded<typeof LlmStepTraceSchema> {}
export const LlmStepTrace: Schema.Schema<LlmStepTrace, LlmStepTraceEncoded> = LlmStepTraceSchema

const ToolRefSchema = Schema.Struct({
  integrationId: Field.string,
  id: Field.string
}).annotations({ identifier: "ToolRef" })
export interface ToolRef extends Schema.Schema.Type<typeof ToolRefSchema> {}
export interface ToolRefEncoded extends Schema.Schema.Encoded<typeof ToolRefSchema> {}
export const ToolRef: Schema.Schema<ToolRef, ToolRefEncoded> = ToolRefSchema

const ToolTraceSchema = Schema.Struct({
  tool: Field.nullable(ToolRef),
  displayName: Field.string,
  toolType: Field.string,
  parameters: Field.jsonObject,
  cost: Field.number
}).annotations({ identifier: "ToolTrace" })
export interface ToolTrace extends Schema.Schema.Type<typeof ToolTraceSchema> {}
export interface ToolTraceEncoded extends Schema.Schema.Encoded<typeof ToolTraceSchema> {}
export const ToolTrace: Schema.Schema<ToolTrace, ToolTraceEncoded> = ToolTraceSchema

export interface StepTrace {
  readonly id: string
  readonly displayName: string
  readonly type: (typeof StepType.values)[number] | OpenEnum.Unknown
  readonly llmStepTrace: LlmStepTrace | null
  readonly toolTrace: ToolTrace | null
  readonly hitlTrace: unknown
  readonly steps: ReadonlyArray<StepTrace>
  readonly result: StepResult | null
  readonly status: (typeof StepStatus.values)[number] | OpenEnum.Unknown
  readonly error: string
  readonly startTime: number
  readonly endTime: number
  readonly duration: number
}

export interface StepTraceEncoded {
  readonly id?: string | null | undefined
  readonly displayName?: string | null | undefined
  readonly type?: string | null | undefined
  readonly llmStepTrace?: typeof LlmStepTrace.Encoded | null | undefined
  readonly toolTrace?: typeof ToolTrace.Encoded | null | undefined
  readonly hitlTrace?: unknown
  readonly steps?: ReadonlyArray<StepTraceEncoded> | null | undefined
  readonly result?: typeof StepResult.Encoded | null | undefined
  readonly status?: string | null | undefined
  readonly error?: string | null | undefined
  readonly startTime?: number | null | undefined
  readonly endTime?: number | null | undefined
  readonly duration?: number | null | undefined
}

export const StepTrace: Schema.Schema<StepTrace, StepTraceEncoded> = Schema.Struct({
  id: Field.string,
  displayName: Field.string,
  type: Field.orDefault(StepType.Open, () => "UNSPECIFIED"),
  llmStepTrace: Field.nullable(LlmStepTrace),
  toolTrace: Field.nullable(ToolTrace),
  hitlTrace: Schema.optionalWith(Schema.Unknown, { default: () => null }),
  steps: Field.arrayOf(Schema.suspend((): Schema.Schema<StepTrace, StepTraceEncoded> => StepTrace)),
  result: Field.nullable(StepResult),
  status: Field.orDefault(StepStatus.Open, () => "UNSPECIFIED"),
  error: Field.string,
  startTime: Field.epochMillis,
  endTime: Field.epochMillis,
  duration: Field.number
}).annotations({ identifier: "StepTrace" })

const ExecutionTraceSchema = Schema.Struct({
  agentId: Field.string,
  agentRevision: Field.number,
  createdAt: Field.epochMillis,
  parameters: Field.jsonObject,
  startTime: Field.epochMillis,
  endTime: Field.epochMillis,
  duration: Field.number,
  traces: Field.arrayOf(StepTrace),
  result: Field.nullable(StepResult),
  inputCost: Field.number,
  outputCost: Field.number,
  totalCost: Field.number
}).annotations({ identifier: "ExecutionTrace" })
export interface ExecutionTrace extends Schema.Schema.Type<typeof ExecutionTraceSchema> {}
export interface ExecutionTraceEncoded extends Schema.Schema.Encoded<typeof ExecutionTraceSchema> {}
export const ExecutionTrace: Schema.Schema<ExecutionTrace, ExecutionTraceEncoded> = ExecutionTraceSchema
