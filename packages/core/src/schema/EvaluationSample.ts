/** Evaluation samples: executions snapshotted into datasets (`:addToDatasets`). */
import * as Schema from "effect/Schema"
import * as Field from "./Field.js"
import * as OpenEnum from "./OpenEnum.js"

export const SampleQuality = OpenEnum.make("SampleQuality", ["UNSPECIFIED", "GOOD", "BAD", "NEEDS_REVIEW"])
export type SampleQuality = typeof SampleQuality.Open.Type

/** Tags as the contract has them: strings (limits on their count and length are the local backend's own). */
export const Tag = Schema.String

const AddToDatasetsRequestSchema = Schema.Struct({
  datasetIds: Schema.optional(Schema.NullOr(Schema.Array(Schema.UUID))),
  quality: Schema.optional(SampleQuality.Strict),
  tags: Schema.optional(
    Schema.NullOr(
      Schema.Array(Tag)
    )
  )
}).annotations({ identifier: "AddToDatasetsRequest" })
export interface AddToDatasetsRequest extends Schema.Schema.Type<typeof AddToDatasetsRequestSchema> {}
export interface AddToDatasetsRequestEncoded extends Schema.Schema.Encoded<typeof AddToDatasetsRequestSchema> {}
export const AddToDatasetsRequest: Schema.Schema<AddToDatasetsRequest, AddToDatasetsRequestEncoded> = AddToDatasetsRequestSchema

const SampleTagSchema = Schema.Struct({
  id: Field.string,
  tenantId: Field.string,
  sampleId: Field.string,
  tag: Field.string,
  sample: Schema.optionalWith(Schema.Null, { default: () => null })
}).annotations({ identifier: "SampleTag" })
export interface SampleTag extends Schema.Schema.Type<typeof SampleTagSchema> {}
export interface SampleTagEncoded extends Schema.Schema.Encoded<typeof SampleTagSchema> {}
export const SampleTag: Schema.Schema<SampleTag, SampleTagEncoded> = SampleTagSchema

const sampleFields = {
  id: Schema.String,
  datasetId: Field.string,
  executionId: Field.string,
  inputPayload: Field.jsonObject,
  output: Field.string,
  agentRevision: Field.number,
  quality: Field.orDefault(SampleQuality.Open, () => "UNSPECIFIED"),
  isGolden: Field.boolean,
  createdBy: Field.string,
  createdAt: Field.epochMillis,
  modifiedAt: Field.epochMillis
}

/** As `:addToDatasets` and dataset listings return it: tags are objects. */
const EvaluationSampleSchema = Schema.Struct({
  ...sampleFields,
  tenantId: Field.string,
  tags: Field.arrayOf(SampleTag)
}).annotations({ identifier: "EvaluationSample" })
export interface EvaluationSample extends Schema.Schema.Type<typeof EvaluationSampleSchema> {}
export interface EvaluationSampleEncoded extends Schema.Schema.Encoded<typeof EvaluationSampleSchema> {}
export const EvaluationSample: Schema.Schema<EvaluationSample, EvaluationSampleEncoded> = EvaluationSampleSchema

export const AddToDatasetsResponse = Schema.Array(EvaluationSample).annotations({
  identifier: "AddToDatasetsResponse"
})

/** As `GET …/executionRecords/{id}/samples` returns it: tags are plain strings there. */
const ExecutionRecordSampleSchema = Schema.Struct({
  ...sampleFields,
  tags: Field.stringArray
}).annotations({ identifier: "ExecutionRecordSample" })
export interface ExecutionRecordSample extends Schema.Schema.Type<typeof ExecutionRecordSampleSchema> {}
export interface ExecutionRecordSampleEncoded extends Schema.Schema.Encoded<typeof ExecutionRecordSampleSchema> {}
export const ExecutionRecordSample: Schema.Schema<ExecutionRecordSample, ExecutionRecordSampleEncoded> = ExecutionRecordSampleSchema

export const ExecutionRecordSamples = Schema.Array(ExecutionRecordSample).annotations({
  identifier: "ExecutionRecordSamples"
})
