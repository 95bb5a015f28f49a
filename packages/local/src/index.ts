export { createLocalBackend, type AgentProvision, type LocalBackend, type LocalBackendOptions } from "./LocalBackend.js"
export type { LlmConfig } from "./runtime/ChatModel.js"
export { DEMO_AGENT, DEMO_TENANT } from "./demo-seed.js"
