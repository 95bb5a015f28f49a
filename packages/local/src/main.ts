/**
 * Serve the local backend on a port:
 *
 *   node dist/main.js [--port 8787] [--host 127.0.0.1] [--data-dir .fruxkit-local] [--seed demo|none]
 *                     [--concurrency 4] [--lease-ms 10000] [--no-workers]
 *
 * Each flag also reads an environment variable (FRUXKIT_LOCAL_PORT, _HOST,
 * _DATA_DIR, _SEED, _CONCURRENCY, _LEASE_MS, _WORKERS=0; FRUXKIT_LLM_BASE_URL,
 * FRUXKIT_LLM_API_KEY, FRUXKIT_LLM_MODEL, FRUXKIT_JUDGE). Binds to loopback by
 * default: there is no authentication here (the gateway does that).
 */
import { serve } from "@hono/node-server"
import { parseArgs } from "node:util"
import { createLocalBackend } from "./LocalBackend.js"

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string" },
    "data-dir": { type: "string" },
    seed: { type: "string" },
    concurrency: { type: "string" },
    "lease-ms": { type: "string" },
    "no-workers": { type: "boolean" }
  }
})

const env = process.env
const number = (value: string | undefined): number | undefined => (value === undefined || value === "" ? undefined : Number(value))
const seed = values.seed ?? env.FRUXKIT_LOCAL_SEED ?? "demo"
if (seed !== "demo" && seed !== "none") throw new Error(`--seed must be demo or none, got ${seed}`)
const judge = env.FRUXKIT_JUDGE
if (judge !== undefined && judge !== "heuristic" && judge !== "llm") throw new Error(`FRUXKIT_JUDGE must be heuristic or llm`)

const backend = await createLocalBackend({
  dataDir: values["data-dir"] ?? env.FRUXKIT_LOCAL_DATA_DIR ?? ".fruxkit-local",
  seed,
  evaluation: {
    concurrency: number(values.concurrency ?? env.FRUXKIT_LOCAL_CONCURRENCY),
    leaseMs: number(values["lease-ms"] ?? env.FRUXKIT_LOCAL_LEASE_MS)
  },
  workers: !(values["no-workers"] ?? env.FRUXKIT_LOCAL_WORKERS === "0"),
  ...(env.FRUXKIT_LLM_BASE_URL
    ? { llm: { baseUrl: env.FRUXKIT_LLM_BASE_URL, apiKey: env.FRUXKIT_LLM_API_KEY, model: env.FRUXKIT_LLM_MODEL } }
    : {}),
  ...(judge ? { judge } : {})
})

const hostname = values.host ?? env.FRUXKIT_LOCAL_HOST ?? "127.0.0.1"
const server = serve({ fetch: backend.app.fetch, port: number(values.port ?? env.FRUXKIT_LOCAL_PORT) ?? 8787, hostname }, (info) => {
  console.log(`fruxkit local backend listening on http://${hostname}:${info.port}`)
})

const shutdown = () => {
  server.close()
  void backend.close().then(() => process.exit(0))
}
process.once("SIGINT", shutdown)
process.once("SIGTERM", shutdown)
