/**
 * The endpoint table: the only place a Fruxon path is written. The client,
 * the gateway, the local backend and the OpenAPI document all read it.
 */
import * as Schema from "effect/Schema"
import * as Endpoint from "./Endpoint.js"
import { fruxonPaging } from "./schema/Paging.js"
import { Agent, AgentRevision, AgentRevisions, Agents, CreateRevisionRequest } from "./schema/Agent.js"
import { CreateDatasetRequest, Dataset, Datasets, DatasetSamplesPage, DatasetSamplesQuery } from "./schema/Dataset.js"
import { AgentDraft, DraftTestRequest, DraftTestResponse, ExecuteResponse, SaveDraftRequest } from "./schema/DraftTest.js"
import {
  AddToDatasetsRequest,
  AddToDatasetsResponse,
  ExecutionRecordSamples
} from "./schema/EvaluationSample.js"
import {
  DraftEvaluateRequest,
  EvaluateRequest,
  EvaluationRun,
  EvaluationRunSamplesPage,
  EvaluationRunSamplesQuery,
  EvaluationRunsPage,
  EvaluationRunsQuery
} from "./schema/EvaluationRun.js"
import {
  ExecuteRequest,
  ExecutionRecord,
  ExecutionRecordResult,
  ExecutionRecordsPage,
  ExecutionRecordsQuery,
  ExecutionRecordTrace
} from "./schema/ExecutionRecord.js"

const TENANT = "/v1/tenants/{tenant}"
const AGENT = `${TENANT}/agents/{agent}` as const
const RECORD = `${AGENT}/executionRecords/{executionRecord}` as const
const RUN = `${AGENT}/evaluationRuns/{evaluationRun}` as const
const DRAFT = `${AGENT}/revisions/{revision}/draft` as const

// ---- agents and revisions ----

export const listAgents = Endpoint.make({
  name: "listAgents",
  group: "Agents",
  method: "GET",
  path: `${TENANT}/agents`,
  summary: "List the tenant's agents (unpaged)",
  success: Agents,
  retry: "safe"
})

export const getAgent = Endpoint.make({
  name: "getAgent",
  group: "Agents",
  method: "GET",
  path: AGENT,
  summary: "Get an agent",
  success: Agent,
  retry: "safe"
})

export const listRevisions = Endpoint.make({
  name: "listRevisions",
  group: "Agents",
  method: "GET",
  path: `${AGENT}/revisions`,
  summary: "List an agent's revisions, newest first (fruxkit; inferred)",
  success: AgentRevisions,
  retry: "safe"
})

export const getRevision = Endpoint.make({
  name: "getRevision",
  group: "Agents",
  method: "GET",
  path: `${AGENT}/revisions/{revision}`,
  summary: "Get a revision of an agent",
  success: AgentRevision,
  retry: "safe"
})

export const createRevision = Endpoint.make({
  name: "createRevision",
  group: "Agents",
  method: "POST",
  path: `${AGENT}/revisions`,
  summary: "Create a revision from a body or from a draft's head (not active until deployed)",
  body: CreateRevisionRequest,
  bodyRequired: true,
  success: AgentRevision,
  retry: "creating",
  createdIn: `${AGENT}/revisions`
})

export const deployRevision = Endpoint.make({
  name: "deployRevision",
  group: "Agents",
  method: "POST",
  path: `${AGENT}/revisions/{revision}:deploy`,
  summary: "Make a revision the agent's current one; answers the updated agent",
  success: Agent,
  retry: "safe"
})

// ---- drafts ----

export const getDraft = Endpoint.make({
  name: "getDraft",
  group: "Drafts",
  method: "GET",
  path: DRAFT,
  summary: "Get the draft forked from a revision; 204 (null) when there is none",
  success: Schema.NullOr(AgentDraft),
  noContentIsNull: true,
  retry: "safe"
})

export const saveDraft = Endpoint.make({
  name: "saveDraft",
  group: "Drafts",
  method: "PUT",
  path: DRAFT,
  summary: "Save the draft's head (If-Match: its version; 409 on mismatch; creates on first call)",
  body: SaveDraftRequest,
  bodyRequired: true,
  success: AgentDraft,
  ifMatch: "optional",
  errors: { ...Endpoint.defaultErrors, 409: "Conflict", 428: "InvalidRequest" },
  retry: "safe"
})

export const testDraft = Endpoint.make({
  name: "testDraft",
  group: "Drafts",
  method: "POST",
  path: `${DRAFT}:test`,
  summary: "Execute the draft's current head (the studio's Test action)",
  body: DraftTestRequest,
  success: DraftTestResponse,
  ifMatch: "required",
  errors: { ...Endpoint.defaultErrors, 409: "StaleDraft", 412: "StaleDraft", 428: "InvalidRequest" },
  retry: "creating",
  createdIn: `${AGENT}/executionRecords`
})

export const evaluateDraft = Endpoint.make({
  name: "evaluateDraft",
  group: "Drafts",
  method: "POST",
  path: `${DRAFT}:evaluate`,
  summary: "Evaluate the draft's current head (pinned for the run's lifetime); answers at once with status PENDING",
  body: DraftEvaluateRequest,
  success: EvaluationRun,
  ifMatch: "required",
  errors: { ...Endpoint.defaultErrors, 409: "StaleDraft", 412: "StaleDraft", 428: "InvalidRequest" },
  retry: "creating",
  createdIn: `${AGENT}/evaluationRuns`,
  run: { wait: true, stream: false }
})

// ---- execution records ----

export const executeAgent = Endpoint.make({
  name: "executeAgent",
  group: "Execution records",
  method: "POST",
  path: `${AGENT}:execute`,
  summary: "Execute the deployed revision synchronously (X-API-KEY)",
  body: ExecuteRequest,
  success: ExecuteResponse,
  retry: "creating",
  createdIn: `${AGENT}/executionRecords`,
  auth: "apiKey"
})

export const listExecutionRecords = Endpoint.make({
  name: "listExecutionRecords",
  group: "Execution records",
  method: "GET",
  path: `${AGENT}/executionRecords`,
  summary: "List execution records, newest first (paged)",
  query: ExecutionRecordsQuery,
  success: ExecutionRecordsPage,
  paging: fruxonPaging,
  retry: "safe"
})

export const getExecutionRecord = Endpoint.make({
  name: "getExecutionRecord",
  group: "Execution records",
  method: "GET",
  path: RECORD,
  summary: "Get an execution record",
  success: ExecutionRecord,
  retry: "safe"
})

export const getExecutionRecordTrace = Endpoint.make({
  name: "getExecutionRecordTrace",
  group: "Execution records",
  method: "GET",
  path: `${RECORD}:trace`,
  summary: "Get an execution's trace",
  success: ExecutionRecordTrace,
  retry: "safe"
})

export const getExecutionRecordResult = Endpoint.make({
  name: "getExecutionRecordResult",
  group: "Execution records",
  method: "GET",
  path: `${RECORD}:result`,
  summary: "Get an execution's parameters and result",
  success: ExecutionRecordResult,
  retry: "safe"
})

export const listExecutionRecordSamples = Endpoint.make({
  name: "listExecutionRecordSamples",
  group: "Execution records",
  method: "GET",
  path: `${RECORD}/samples`,
  summary: "The samples made from an execution ([] when none)",
  success: ExecutionRecordSamples,
  retry: "safe"
})

export const addToDatasets = Endpoint.make({
  name: "addToDatasets",
  group: "Execution records",
  method: "POST",
  path: `${RECORD}:addToDatasets`,
  summary: "Snapshot an execution into datasets as new samples (never upserts)",
  body: AddToDatasetsRequest,
  success: AddToDatasetsResponse,
  retry: "creating",
  createdIn: `${RECORD}/samples`,
  // At most once per dataset on request: the execution's samples say which datasets hold it already.
  dedupe: { existing: listExecutionRecordSamples, targetsField: "datasetIds", existingKey: "datasetId" }
})

export const deleteExecutionRecordSamples = Endpoint.make({
  name: "deleteExecutionRecordSamples",
  group: "Execution records",
  method: "DELETE",
  path: `${RECORD}/samples`,
  summary: "Delete the samples made from an execution (204 even when none)",
  successStatus: 204,
  retry: "safe"
})

// ---- evaluation ----

export const evaluate = Endpoint.make({
  name: "evaluate",
  group: "Evaluation runs",
  method: "POST",
  path: `${AGENT}:evaluate`,
  summary: "Enqueue an evaluation run; answers at once with status PENDING",
  body: EvaluateRequest,
  success: EvaluationRun,
  retry: "creating",
  createdIn: `${AGENT}/evaluationRuns`,
  run: { wait: true, stream: false }
})

export const getEvaluationRun = Endpoint.make({
  name: "getEvaluationRun",
  group: "Evaluation runs",
  method: "GET",
  path: RUN,
  summary: "Get an evaluation run; poll it to a terminal status",
  success: EvaluationRun,
  retry: "safe",
  run: { wait: true, stream: true }
})

export const listEvaluationRuns = Endpoint.make({
  name: "listEvaluationRuns",
  group: "Evaluation runs",
  method: "GET",
  path: `${AGENT}/evaluationRuns`,
  summary: "List evaluation runs, newest first (paged)",
  query: EvaluationRunsQuery,
  success: EvaluationRunsPage,
  paging: fruxonPaging,
  retry: "safe"
})

export const cancelEvaluationRun = Endpoint.make({
  name: "cancelEvaluationRun",
  group: "Evaluation runs",
  method: "POST",
  path: `${RUN}:cancel`,
  summary: "Cancel a run (409 when it already ended)",
  errors: { ...Endpoint.defaultErrors, 409: "Conflict" },
  retry: "creating",
  createdIn: RUN
})

export const listEvaluationRunSamples = Endpoint.make({
  name: "listEvaluationRunSamples",
  group: "Evaluation runs",
  method: "GET",
  path: `${RUN}/samples`,
  summary: "Per-sample results of a run (paged)",
  query: EvaluationRunSamplesQuery,
  success: EvaluationRunSamplesPage,
  paging: fruxonPaging,
  retry: "safe"
})

// ---- datasets (fruxkit's own shape; no public Fruxon page) ----

export const listDatasets = Endpoint.make({
  name: "listDatasets",
  group: "Datasets",
  method: "GET",
  path: `${AGENT}/datasets`,
  summary: "List an agent's datasets (fruxkit; inferred)",
  success: Datasets,
  retry: "safe"
})

export const createDataset = Endpoint.make({
  name: "createDataset",
  group: "Datasets",
  method: "POST",
  path: `${AGENT}/datasets`,
  summary: "Create a dataset (fruxkit; inferred)",
  body: CreateDatasetRequest,
  bodyRequired: true,
  success: Dataset,
  successStatus: 201,
  errors: { ...Endpoint.defaultErrors, 409: "Conflict" },
  retry: "creating",
  createdIn: `${AGENT}/datasets`
})

export const getDataset = Endpoint.make({
  name: "getDataset",
  group: "Datasets",
  method: "GET",
  path: `${AGENT}/datasets/{dataset}`,
  summary: "Get a dataset (fruxkit; inferred)",
  success: Dataset,
  retry: "safe"
})

export const listDatasetSamples = Endpoint.make({
  name: "listDatasetSamples",
  group: "Datasets",
  method: "GET",
  path: `${AGENT}/datasets/{dataset}/samples`,
  summary: "A dataset's samples (paged; fruxkit; inferred)",
  query: DatasetSamplesQuery,
  success: DatasetSamplesPage,
  paging: fruxonPaging,
  retry: "safe"
})

/** Every endpoint, by name. */
export const Endpoints = {
  listAgents,
  getAgent,
  listRevisions,
  getRevision,
  createRevision,
  deployRevision,
  getDraft,
  saveDraft,
  testDraft,
  evaluateDraft,
  executeAgent,
  listExecutionRecords,
  getExecutionRecord,
  getExecutionRecordTrace,
  getExecutionRecordResult,
  addToDatasets,
  listExecutionRecordSamples,
  deleteExecutionRecordSamples,
  evaluate,
  getEvaluationRun,
  listEvaluationRuns,
  cancelEvaluationRun,
  listEvaluationRunSamples,
  listDatasets,
  createDataset,
  getDataset,
  listDatasetSamples
} as const

export type Endpoints = typeof Endpoints
export type EndpointName = keyof Endpoints

export const allEndpoints: ReadonlyArray<Endpoint.Any> = Object.values(Endpoints)
