/** What every handler and the worker pool share: the store, the model, the judge, the run stores. */
import type { Judge } from "./evaluation/Judge.js"
import type { ChatModel } from "./runtime/ChatModel.js"
import type { OutboundPolicy } from "./runtime/outbound-policy.js"
import type { RunStore } from "./store/RunStore.js"
import type { SecretBox } from "./store/SecretBox.js"
import type { Store } from "./store/Store.js"

export interface LocalContext {
  readonly store: Store
  readonly chatModel: ChatModel
  readonly judge: Judge
  readonly secrets: SecretBox
  /** Where external agents and http steps may be fetched from (SSRF policy). */
  readonly outbound: OutboundPolicy
  /** Runs with a candidateRevision: SQLite, leased, resumed after a crash. */
  readonly persistedRuns: RunStore
  /** Runs without one: memory only. */
  readonly transientRuns: RunStore
  readonly environmentCap: number
  /** Datasets one agent may have (createDataset answers 422 past it). */
  readonly datasetCap: number
  /** Who created things: the local backend has no users (the gateway authenticates). */
  readonly actor: string
}
