/**
 * Datasets. No public Fruxon page documents them: this is fruxkit's own shape
 * (inferred). Against a remote server a 404 route means "not supported there".
 */
import * as Schema from "effect/Schema"
import * as Field from "./Field.js"
import { EvaluationSample } from "./EvaluationSample.js"
import { Page, PageQueryFields } from "./Paging.js"

export const Dataset = Schema.Struct({
  id: Schema.String,
  agentId: Field.string,
  name: Field.string,
  description: Field.string,
  sampleCount: Field.number,
  createdAt: Field.epochMillis,
  modifiedAt: Field.epochMillis
}).annotations({ identifier: "Dataset" })
export type Dataset = typeof Dataset.Type

export const Datasets = Schema.Array(Dataset).annotations({ identifier: "Datasets" })

export const CreateDatasetRequest = Schema.Struct({
  name: Schema.String.pipe(
    Schema.minLength(1, { message: () => "name must not be empty" }),
    Schema.maxLength(128, { message: () => "name must be at most 128 characters" })
  ),
  description: Schema.optional(Schema.String.pipe(Schema.maxLength(2000)))
}).annotations({ identifier: "CreateDatasetRequest" })
export type CreateDatasetRequest = typeof CreateDatasetRequest.Type

export const DatasetSamplesPage = Page(EvaluationSample, "DatasetSamplesPage")
export type DatasetSamplesPage = typeof DatasetSamplesPage.Type

export const DatasetSamplesQuery = Schema.Struct(PageQueryFields).annotations({ identifier: "DatasetSamplesQuery" })
