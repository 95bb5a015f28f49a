/** What every handler and the worker pool share: the store, the model, the judge, the run stores. */
import type { Judge } from "./evaluation/Judge.js"
import type { ChatModel } from "./runtime/ChatModel.js"
import type { RunStore } from "./store/RunStore.js"
import type { SecretBox } from "./store/SecretBox.js"
import type { Store } from "./store/Store.js"

export interface LocalContext {
  readonly store: Store
  readonly chatModel: ChatModel
  readonly judge: Judge
  readonly secrets: SecretBox
  /** Runs with a candidateRevision: SQLite, leased, resumed after a crash. */
  readonly persistedRuns: RunStore
  /** Runs without one: memory only. */
  readonly transientRuns: RunStore
  readonly environmentCap: number
  /** Who created things: the local backend has no users (the gateway authenticates). */
  readonly actor: string
}
