/**
 * Datasets. No public Fruxon page documents them: this is fruxkit's own shape
 * (inferred). Against a remote server a 404 route means "not supported there".
 */
import * as Schema from "effect/Schema"
import * as Field from "./Field.js"
import { EvaluationSample } from "./EvaluationSample.js"
import { Page, PageQueryFields } from "./Paging.js"

const DatasetSchema = Schema.Struct({
  id: Schema.String,
  agentId: Field.string,
  name: Field.string,
  description: Field.string,
  sampleCount: Field.number,
  createdAt: Field.epochMillis,
  modifiedAt: Field.epochMillis
}).annotations({ identifier: "Dataset" })
export interface Dataset extends Schema.Schema.Type<typeof DatasetSchema> {}
export interface DatasetEncoded extends Schema.Schema.Encoded<typeof DatasetSchema> {}
export const Dataset: Schema.Schema<Dataset, DatasetEncoded> = DatasetSchema

export const Datasets = Schema.Array(Dataset).annotations({ identifier: "Datasets" })

const CreateDatasetRequestSchema = Schema.Struct({
  name: Schema.String.pipe(
    Schema.minLength(1, { message: () => "name must not be empty" }),
    Schema.maxLength(128, { message: () => "name must be at most 128 characters" })
  ),
  description: Schema.optional(Schema.String.pipe(Schema.maxLength(2000)))
}).annotations({ identifier: "CreateDatasetRequest" })
export interface CreateDatasetRequest extends Schema.Schema.Type<typeof CreateDatasetRequestSchema> {}
export interface CreateDatasetRequestEncoded extends Schema.Schema.Encoded<typeof CreateDatasetRequestSchema> {}
export const CreateDatasetRequest: Schema.Schema<CreateDatasetRequest, CreateDatasetRequestEncoded> = CreateDatasetRequestSchema

const DatasetSamplesPageSchema = Page(EvaluationSample, "DatasetSamplesPage")
export interface DatasetSamplesPage extends Schema.Schema.Type<typeof DatasetSamplesPageSchema> {}
export interface DatasetSamplesPageEncoded extends Schema.Schema.Encoded<typeof DatasetSamplesPageSchema> {}
export const DatasetSamplesPage: Schema.Schema<DatasetSamplesPage, DatasetSamplesPageEncoded> = DatasetSamplesPageSchema

const DatasetSamplesQuerySchema = Schema.Struct(PageQueryFields).annotations({ identifier: "DatasetSamplesQuery" })
export interface DatasetSamplesQuery extends Schema.Schema.Type<typeof DatasetSamplesQuerySchema> {}
export interface DatasetSamplesQueryEncoded extends Schema.Schema.Encoded<typeof DatasetSamplesQuerySchema> {}
export const DatasetSamplesQuery: Schema.Schema<DatasetSamplesQuery, DatasetSamplesQueryEncoded> = DatasetSamplesQuerySchema
