/** Evaluation samples: executions snapshotted into datasets (`:addToDatasets`). */
import * as Schema from "effect/Schema"
import * as Field from "./Field.js"
import * as OpenEnum from "./OpenEnum.js"

export const SampleQuality = OpenEnum.make("SampleQuality", ["UNSPECIFIED", "GOOD", "BAD", "NEEDS_REVIEW"])
export type SampleQuality = typeof SampleQuality.Open.Type

export const MAX_TAG_LENGTH = 64
export const MAX_TAGS = 32

export const Tag = Schema.String.pipe(
  Schema.minLength(1, { message: () => "a tag must not be empty" }),
  Schema.maxLength(MAX_TAG_LENGTH, { message: () => `a tag must be at most ${MAX_TAG_LENGTH} characters` })
)

export const AddToDatasetsRequest = Schema.Struct({
  datasetIds: Schema.optional(Schema.NullOr(Schema.Array(Schema.UUID))),
  quality: Schema.optional(SampleQuality.Strict),
  tags: Schema.optional(
    Schema.NullOr(
      Schema.Array(Tag).pipe(Schema.maxItems(MAX_TAGS, { message: () => `at most ${MAX_TAGS} tags` }))
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
