/** Contract-shaped ids and bodies that tests and the fake's model share (docs/contract/fruxon-api.md). */

export const TENANT = "demo"
export const AGENT = "support_bot"
/** The datasets the model starts with. */
export const GOLDEN = "0f0e0d0c-0b0a-4909-8807-060504030201"
export const EDGE = "1a1b1c1d-1e1f-4a2b-8c3d-4e5f60718293"
/** The execution record the model's draft test produces. */
export const EXECUTION = "7d9f8e6c-5b4a-4c3d-9e2f-1a0b9c8d7e6f"

/** Ids for scripted answers. */
export const RUN_ID = "7b0e2f55-3c1d-4e7a-9a55-5f2a4c1e9d01"
export const RECORD_ID = "0f9c8a77-51e4-4d0b-8f2e-1f0a3b2c4d5e"
export const DATASET_A = "11111111-1111-4111-8111-111111111111"
export const DATASET_B = "22222222-2222-4222-8222-222222222222"

/** An `EvaluationRun` with `status`. */
export const runJson = (status: string, extra: Record<string, unknown> = {}) => ({
  id: RUN_ID,
  agentId: AGENT,
  datasetId: DATASET_A,
  candidateRevision: 2,
  deployedRevision: 1,
  status,
  createdAt: 1_700_000_000_000,
  modifiedAt: 1_700_000_000_000,
  ...extra
})

/** An `EvaluationSample` as `:addToDatasets` answers it (tags are objects there). */
export const sampleJson = (datasetId: string, id: string = crypto.randomUUID(), extra: Record<string, unknown> = {}) => ({
  id,
  tenantId: TENANT,
  createdAt: 1,
  modifiedAt: 1,
  createdBy: "test",
  datasetId,
  executionId: RECORD_ID,
  inputPayload: { question: "hi" },
  output: "hello",
  agentRevision: 2,
  quality: "GOOD",
  isGolden: false,
  tags: [{ id: crypto.randomUUID(), tenantId: TENANT, sampleId: id, tag: "smoke", sample: null }],
  ...extra
})
