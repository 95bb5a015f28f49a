export { createLocalBackend, type AgentProvision, type LocalBackend, type LocalBackendOptions } from "./LocalBackend.js"
export type { RunChange, RunChangeListener } from "./evaluation/RunChanges.js"
export type { LlmConfig } from "./runtime/ChatModel.js"
export { DEMO_AGENT, DEMO_TENANT } from "./demo-seed.js"
export { writeDemoDatabase } from "./demo-database.js"
export {
  IDEMPOTENCY_TTL_MS,
  openSharedStore,
  type IdempotencyClaim,
  type IdempotencyRecord,
  type SharedStore,
  type SharedStoreOptions,
  type StoredResponse
} from "./SharedStore.js"
