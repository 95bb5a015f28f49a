/**
 * Which API fruxkit talks to, decided once from flags and environment:
 *
 * 1. a gateway: `--url` / `FRUXKIT_URL`, authenticated with `FRUXKIT_API_KEY`;
 * 2. the Fruxon API directly: `FRUXON_API_URL` + `FRUXON_API_TOKEN`;
 * 3. neither: the embedded backend (@fruxkit/local) in-process, on the same
 *    data dir as the gateway (`FRUXKIT_DATA_DIR`, default `./.fruxkit`).
 *
 * Every mode ends as the same core client; only its `fetch` and base URL differ.
 */
import { resolve } from "node:path"

export type ConnectionMode = "gateway" | "direct" | "embedded"

export interface ConnectionSettings {
  readonly mode: ConnectionMode
  /** Where requests go; for the embedded backend a placeholder origin (never dialled). */
  readonly baseUrl: string
  readonly token: string | undefined
  readonly dataDir: string
  readonly tenant: string
}

export interface ConnectionFlags {
  readonly url?: string | undefined
  readonly tenant?: string | undefined
  readonly dataDir?: string | undefined
}

export const DEFAULT_TENANT = "demo"
export const DEFAULT_DATA_DIR = "./.fruxkit"
/** The embedded backend is called through `fetch`, so any origin works; this one says what it is. */
export const EMBEDDED_ORIGIN = "http://fruxkit.embedded"

export const resolveConnection = (
  flags: ConnectionFlags,
  env: Readonly<Record<string, string | undefined>> = process.env
): ConnectionSettings => {
  // An empty value is no value: `FRUXKIT_DATA_DIR= fruxkit` must not put the database in the current directory.
  const set = (value: string | undefined) => (value === undefined || value.trim() === "" ? undefined : value)
  const tenant = set(flags.tenant) ?? set(env.FRUXKIT_TENANT) ?? DEFAULT_TENANT
  const dataDir = resolve(set(flags.dataDir) ?? set(env.FRUXKIT_DATA_DIR) ?? DEFAULT_DATA_DIR)
  const gatewayUrl = set(flags.url) ?? set(env.FRUXKIT_URL)
  if (gatewayUrl) return { mode: "gateway", baseUrl: gatewayUrl, token: env.FRUXKIT_API_KEY || undefined, dataDir, tenant }
  const fruxonUrl = set(env.FRUXON_API_URL)
  if (fruxonUrl) {
    return { mode: "direct", baseUrl: fruxonUrl, token: env.FRUXON_API_TOKEN || undefined, dataDir, tenant }
  }
  return { mode: "embedded", baseUrl: EMBEDDED_ORIGIN, token: undefined, dataDir, tenant }
}

export const describeConnection = (settings: ConnectionSettings): string => {
  switch (settings.mode) {
    case "gateway":
      return `gateway ${settings.baseUrl}`
    case "direct":
      return `Fruxon API ${settings.baseUrl}`
    case "embedded":
      return `embedded ${settings.dataDir}`
  }
}

