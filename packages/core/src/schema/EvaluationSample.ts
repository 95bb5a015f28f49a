/** Evaluation samples: executions snapshotted into datasets (`:addToDatasets`). */
import * as Schema from "effect/Schema"
import * as Field from "./Field.js"
import * as OpenEnum from "./OpenEnum.js"

export const SampleQuality = OpenEnum.make("SampleQuality", ["UNSPECIFIED", "GOOD", "BAD", "NEEDS_REVIEW"])
export type SampleQuality = typeof SampleQuality.Open.Type

/** Tags as the contract has them: strings (limits on their count and length are the local backend's own). */
export const Tag = Schema.String

export const AddToDatasetsRequest = Schema.Struct({
  datasetIds: Schema.optional(Schema.NullOr(Schema.Array(Schema.UUID))),
  quality: Schema.optional(SampleQuality.Strict),
  tags: Schema.optional(
    Schema.NullOr(
      Schema.Array(Tag)
    )
  )
}).annotations({ identifier: "AddToDatasetsRequest" })
export type AddToDatasetsRequest = typeof AddToDatasetsRequest.Type

export const SampleTag = Schema.Struct({
  id: Field.string,
  tenantId: Field.string,
  sampleId: Field.string,
  tag: Field.string,
  sample: Schema.optionalWith(Schema.Null, { default: () => null })
}).annotations({ identifier: "SampleTag" })
export type SampleTag = typeof SampleTag.Type

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
export const EvaluationSample = Schema.Struct({
  ...sampleFields,
  tenantId: Field.string,
  tags: Field.arrayOf(SampleTag)
}).annotations({ identifier: "EvaluationSample" })
export type EvaluationSample = typeof EvaluationSample.Type

export const AddToDatasetsResponse = Schema.Array(EvaluationSample).annotations({
  identifier: "AddToDatasetsResponse"
})

/** As `GET …/executionRecords/{id}/samples` returns it: tags are plain strings there. */
export const ExecutionRecordSample = Schema.Struct({
  ...sampleFields,
  tags: Field.stringArray
}).annotations({ identifier: "ExecutionRecordSample" })
export type ExecutionRecordSample = typeof ExecutionRecordSample.Type

export const ExecutionRecordSamples = Schema.Array(ExecutionRecordSample).annotations({
  identifier: "ExecutionRecordSamples"
})
