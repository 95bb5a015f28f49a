/**
 * Opening the connection `resolveConnection` chose: a core client over the
 * global fetch (gateway, direct: real HTTP) or over the embedded backend's
 * in-process handler (no HTTP, no fetch).
 * Kept apart from the settings so the binary can start drawing while this
 * (and the packages it loads) is still on its way.
 */
import { fileURLToPath } from "node:url"
import { createFruxonClient, type InProcessApi, type PromiseClient } from "@fruxkit/core"
import { describeConnection, type ConnectionSettings } from "./connection-settings.js"

export * from "./connection-settings.js"

export interface Connection {
  readonly settings: ConnectionSettings
  readonly client: PromiseClient
  /** Safe to print: mode and where, never a credential. */
  readonly label: string
  readonly close: () => Promise<void>
}

/** The part of @fruxkit/local fruxkit uses; imported lazily so remote modes never load SQLite. */
interface LocalBackend {
  readonly handle: InProcessApi.ApiHandler
  readonly close: () => Promise<void> | void
}
interface LocalModule {
  readonly createLocalBackend: (options: { dataDir: string; seed: "demo"; demoDatabase: string }) => Promise<LocalBackend>
}

/**
 * The demo database the build writes beside the bundle (scripts/bundle.mjs): a new data dir starts as a copy
 * of it instead of being migrated and seeded. Run from sources there is none, and the backend seeds as before.
 */
const DEMO_DATABASE = fileURLToPath(new URL("./demo-data.sqlite", import.meta.url))

export const openConnection = async (settings: ConnectionSettings): Promise<Connection> => {
  const label = describeConnection(settings)
  if (settings.mode !== "embedded") {
    const client = createFruxonClient({ baseUrl: settings.baseUrl, token: settings.token })
    return { settings, client, label, close: () => client.close() }
  }
  // A literal specifier, so the bundle carries the embedded backend as a chunk loaded only here.
  const local = (await import("@fruxkit/local")) as LocalModule
  const backend = await local.createLocalBackend({ dataDir: settings.dataDir, seed: "demo", demoDatabase: DEMO_DATABASE })
  // Called with plain objects, not through fetch: a Request or Response would load Node's fetch (undici and
  // the http2, tls and zlib modules behind it), as much CPU as starting Node, for calls that never leave the process.
  const client = createFruxonClient({ baseUrl: settings.baseUrl, handler: backend.handle })
  return {
    settings,
    client,
    label,
    close: async () => {
      await client.close()
      await backend.close()
    }
  }
}
