/**
 * Flags and environment shared by the two entry points, `main.ts` (HTTP,
 * with or without workers) and `worker-main.ts` (workers only). Each flag
 * also reads an environment variable; the flag wins.
 */
import { parseArgs } from "node:util"
import type { LocalBackendOptions } from "./LocalBackend.js"

export const parseCommandLine = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv) => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "data-dir": { type: "string" },
      "database-url": { type: "string" },
      seed: { type: "string" },
      concurrency: { type: "string" },
      "tenant-concurrency": { type: "string" },
      "lease-ms": { type: "string" },
      "no-workers": { type: "boolean" }
    }
  })
  const number = (value: string | undefined): number | undefined => (value === undefined || value === "" ? undefined : Number(value))
  const seed = values.seed ?? env.FRUXKIT_LOCAL_SEED ?? "demo"
  if (seed !== "demo" && seed !== "none") throw new Error(`--seed must be demo or none, got ${seed}`)
  const judge = env.FRUXKIT_JUDGE
  if (judge !== undefined && judge !== "heuristic" && judge !== "llm") throw new Error(`FRUXKIT_JUDGE must be heuristic or llm`)
  const options: LocalBackendOptions = {
    dataDir: values["data-dir"] ?? env.FRUXKIT_LOCAL_DATA_DIR ?? ".fruxkit-local",
    databaseUrl: values["database-url"] ?? (env.FRUXKIT_DATABASE_URL || undefined),
    seed,
    evaluation: {
      concurrency: number(values.concurrency ?? env.FRUXKIT_LOCAL_CONCURRENCY),
      tenantConcurrency: number(values["tenant-concurrency"] ?? env.FRUXKIT_LOCAL_TENANT_CONCURRENCY),
      leaseMs: number(values["lease-ms"] ?? env.FRUXKIT_LOCAL_LEASE_MS)
    },
    workers: !(values["no-workers"] ?? env.FRUXKIT_LOCAL_WORKERS === "0"),
    ...(env.FRUXKIT_LLM_BASE_URL
      ? { llm: { baseUrl: env.FRUXKIT_LLM_BASE_URL, apiKey: env.FRUXKIT_LLM_API_KEY, model: env.FRUXKIT_LLM_MODEL } }
      : {}),
    ...(judge ? { judge } : {})
  }
  return {
    options,
    port: number(values.port ?? env.FRUXKIT_LOCAL_PORT) ?? 8787,
    hostname: values.host ?? env.FRUXKIT_LOCAL_HOST ?? "127.0.0.1"
  }
}
