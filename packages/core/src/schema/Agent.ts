/** Agents and their revisions. */
import * as Schema from "effect/Schema"
import * as Field from "./Field.js"
import * as OpenEnum from "./OpenEnum.js"

/** Fruxon agent ids: lower-case letter, then lower-case letters, digits and `_`. */
export const AGENT_ID_PATTERN = /^[a-z][a-z0-9_]+$/

export const AgentOrigin = OpenEnum.make("AgentOrigin", [
  "UNSPECIFIED",
  "NATIVE",
  "LANG_GRAPH",
  "CREW_AI",
  "OPEN_AI_ASSISTANTS",
  "DIFY"
])

const ExternalConfigSchema = Schema.Struct({
  parameters: Field.jsonObject
}).annotations({ identifier: "ExternalConfig" })
export interface ExternalConfig extends Schema.Schema.Type<typeof ExternalConfigSchema> {}
export interface ExternalConfigEncoded extends Schema.Schema.Encoded<typeof ExternalConfigSchema> {}
export const ExternalConfig: Schema.Schema<ExternalConfig, ExternalConfigEncoded> = ExternalConfigSchema

const AgentSchema = Schema.Struct({
  id: Schema.String,
  displayName: Field.string,
  description: Field.string,
  tags: Field.stringArray,
  type: Field.string,
  enabled: Field.boolean,
  currentRevision: Field.number,
  createdAt: Field.epochMillis,
  modifiedAt: Field.epochMillis,
  tenantId: Field.string,
  origin: Field.orDefault(AgentOrigin.Open, () => "UNSPECIFIED"),
  externalConfig: Field.nullable(ExternalConfig)
}).annotations({ identifier: "Agent" })
export interface Agent extends Schema.Schema.Type<typeof AgentSchema> {}
export interface AgentEncoded extends Schema.Schema.Encoded<typeof AgentSchema> {}
export const Agent: Schema.Schema<Agent, AgentEncoded> = AgentSchema

export const Agents = Schema.Array(Agent).annotations({ identifier: "Agents" })

const ParameterMetadataSchema = Schema.Struct({
  name: Schema.String,
  type: Field.string,
  displayName: Field.string,
  description: Field.string,
  required: Field.boolean,
  secret: Field.boolean,
  defaultValue: Schema.optionalWith(Schema.Unknown, { default: () => null })
}).annotations({ identifier: "ParameterMetadata" })
export interface ParameterMetadata extends Schema.Schema.Type<typeof ParameterMetadataSchema> {}
export interface ParameterMetadataEncoded extends Schema.Schema.Encoded<typeof ParameterMetadataSchema> {}
export const ParameterMetadata: Schema.Schema<ParameterMetadata, ParameterMetadataEncoded> = ParameterMetadataSchema

/** A revision's flow: free-form to the API; the local backend documents the steps it runs. */
export const Flow = Schema.Record({ key: Schema.String, value: Schema.Unknown }).annotations({ identifier: "Flow" })

const AgentRevisionSchema = Schema.Struct({
  agentId: Field.string,
  agentRevision: Field.number,
  comment: Field.string,
  parametersMetadata: Field.arrayOf(ParameterMetadata),
  flow: Field.orDefault(Flow, () => ({})),
  createdAt: Field.epochMillis,
  deployed: Field.boolean
}).annotations({ identifier: "AgentRevision" })
export interface AgentRevision extends Schema.Schema.Type<typeof AgentRevisionSchema> {}
export interface AgentRevisionEncoded extends Schema.Schema.Encoded<typeof AgentRevisionSchema> {}
export const AgentRevision: Schema.Schema<AgentRevision, AgentRevisionEncoded> = AgentRevisionSchema

export const AgentRevisions = Schema.Array(AgentRevision).annotations({ identifier: "AgentRevisions" })

/** Parameters as a writer gives them (a new revision's, a draft head's `headData.parametersMetadata`). */
export const NewParametersMetadata = Schema.Array(
  Schema.Struct({
    name: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(128)),
    type: Schema.optional(Schema.String),
    displayName: Schema.optional(Schema.String),
    description: Schema.optional(Schema.String),
    required: Schema.optional(Schema.Boolean),
    secret: Schema.optional(Schema.Boolean),
    defaultValue: Schema.optional(Schema.Unknown)
  })
).annotations({ identifier: "NewParametersMetadata" })
export type NewParametersMetadata = typeof NewParametersMetadata.Type

/** Defaults filled in: what a stored revision holds. */
export const completeParametersMetadata = (given: NewParametersMetadata): Array<ParameterMetadata> =>
  given.map((p) => ({
    name: p.name,
    type: p.type ?? "string",
    displayName: p.displayName ?? p.name,
    description: p.description ?? "",
    required: p.required ?? false,
    secret: p.secret ?? false,
    defaultValue: p.defaultValue ?? null
  }))

/**
 * Where a new revision's configuration comes from when it is not in the body:
 * the head of the draft forked from `baseRevision`. `version`, when given,
 * must be the head's (the same guard as If-Match on draft writes).
 */
const RevisionFromDraftSchema = Schema.Struct({
  baseRevision: Schema.Int.pipe(Schema.nonNegative()),
  version: Schema.optional(Schema.Int.pipe(Schema.positive()))
}).annotations({ identifier: "RevisionFromDraft" })
export interface RevisionFromDraft extends Schema.Schema.Type<typeof RevisionFromDraftSchema> {}
export interface RevisionFromDraftEncoded extends Schema.Schema.Encoded<typeof RevisionFromDraftSchema> {}
export const RevisionFromDraft: Schema.Schema<RevisionFromDraft, RevisionFromDraftEncoded> = RevisionFromDraftSchema

/** Either `flow` (a body) or `fromDraft` (the draft head), not both: the server checks. */
const CreateRevisionRequestSchema = Schema.Struct({
  comment: Schema.optional(Schema.String.pipe(Schema.maxLength(1000))),
  flow: Schema.optional(Flow),
  fromDraft: Schema.optional(RevisionFromDraft),
  parametersMetadata: Schema.optional(NewParametersMetadata)
}).annotations({ identifier: "CreateRevisionRequest" })
export interface CreateRevisionRequest extends Schema.Schema.Type<typeof CreateRevisionRequestSchema> {}
export interface CreateRevisionRequestEncoded extends Schema.Schema.Encoded<typeof CreateRevisionRequestSchema> {}
export const CreateRevisionRequest: Schema.Schema<CreateRevisionRequest, CreateRevisionRequestEncoded> = CreateRevisionRequestSchema
