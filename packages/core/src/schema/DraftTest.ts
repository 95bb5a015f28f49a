/** Drafts and the studio's "Test" action (`…/revisions/{revision}/draft:test`). */
import * as Schema from "effect/Schema"
import * as Field from "./Field.js"
import * as OpenEnum from "./OpenEnum.js"
import { ExecutionTrace } from "./ExecutionTrace.js"

export const ExecutionStatus = OpenEnum.make("ExecutionStatus", [
  "UNSPECIFIED",
  "IN_PROGRESS",
  "WAITING_FOR_ASYNC",
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "REJECTED"
])
export type ExecutionStatus = typeof ExecutionStatus.Open.Type

/** UNSPECIFIED means "the default", which is PRODUCTION. */
export const ExecutionMode = OpenEnum.make("ExecutionMode", ["UNSPECIFIED", "PRODUCTION", "SANDBOX"])
export type ExecutionMode = typeof ExecutionMode.Strict.Type

export const MAX_ENVIRONMENT_SLUG_LENGTH = 64

/**
 * The contract's rule only (≤ 64 characters): a gateway in front of the
 * Fruxon API must not refuse what Fruxon accepts. The local backend adds its
 * own character rule (its README, "Extra rules").
 */
export const EnvironmentSlug = Schema.String.pipe(
  Schema.maxLength(MAX_ENVIRONMENT_SLUG_LENGTH, {
    message: () => `environmentSlug must be at most ${MAX_ENVIRONMENT_SLUG_LENGTH} characters`
  })
)

/** Request bodies are closed: decode them with `onExcessProperty: "error"` (see Endpoint.ts). */
const DraftTestRequestSchema = Schema.Struct({
  parameters: Schema.optional(Schema.NullOr(Field.JsonObject)),
  attachments: Schema.optional(Schema.NullOr(Schema.Array(Schema.Unknown))),
  sessionId: Schema.optional(Schema.NullOr(Schema.String)),
  mode: Schema.optional(ExecutionMode.Strict),
  environmentSlug: Schema.optional(Schema.NullOr(EnvironmentSlug))
}).annotations({ identifier: "DraftTestRequest" })
export interface DraftTestRequest extends Schema.Schema.Type<typeof DraftTestRequestSchema> {}
export interface DraftTestRequestEncoded extends Schema.Schema.Encoded<typeof DraftTestRequestSchema> {}
export const DraftTestRequest: Schema.Schema<DraftTestRequest, DraftTestRequestEncoded> = DraftTestRequestSchema

const FileLinkSchema = Schema.Struct({
  fileId: Field.string,
  fileType: Field.string,
  displayName: Field.string,
  promptLink: Field.string
}).annotations({ identifier: "FileLink" })
export interface FileLink extends Schema.Schema.Type<typeof FileLinkSchema> {}
export interface FileLinkEncoded extends Schema.Schema.Encoded<typeof FileLinkSchema> {}
export const FileLink: Schema.Schema<FileLink, FileLinkEncoded> = FileLinkSchema

const DraftTestResponseSchema = Schema.Struct({
  response: Field.string,
  trace: Field.nullable(ExecutionTrace),
  sessionId: Field.string,
  links: Field.arrayOf(FileLink),
  executionRecordId: Field.string,
  status: Field.orDefault(ExecutionStatus.Open, () => "UNSPECIFIED"),
  humanApprovalRequestId: Field.nullable(Schema.String),
  messageBlocks: Field.arrayOf(Schema.Unknown)
}).annotations({ identifier: "DraftTestResponse" })
export interface DraftTestResponse extends Schema.Schema.Type<typeof DraftTestResponseSchema> {}
export interface DraftTestResponseEncoded extends Schema.Schema.Encoded<typeof DraftTestResponseSchema> {}
export const DraftTestResponse: Schema.Schema<DraftTestResponse, DraftTestResponseEncoded> = DraftTestResponseSchema

/** The result of `:execute` on the deployed revision has the same shape. */
export const ExecuteResponse = DraftTestResponse

const AgentDraftSchema = Schema.Struct({
  agentId: Field.string,
  baseRevision: Field.number,
  /** The draft's ETag: send it back as `If-Match`. */
  version: Field.number,
  updatedAt: Field.epochMillis,
  headData: Field.jsonObject
}).annotations({ identifier: "AgentDraft" })
export interface AgentDraft extends Schema.Schema.Type<typeof AgentDraftSchema> {}
export interface AgentDraftEncoded extends Schema.Schema.Encoded<typeof AgentDraftSchema> {}
export const AgentDraft: Schema.Schema<AgentDraft, AgentDraftEncoded> = AgentDraftSchema

const SaveDraftRequestSchema = Schema.Struct({
  headData: Field.JsonObject
}).annotations({ identifier: "SaveDraftRequest" })
export interface SaveDraftRequest extends Schema.Schema.Type<typeof SaveDraftRequestSchema> {}
export interface SaveDraftRequestEncoded extends Schema.Schema.Encoded<typeof SaveDraftRequestSchema> {}
export const SaveDraftRequest: Schema.Schema<SaveDraftRequest, SaveDraftRequestEncoded> = SaveDraftRequestSchema
