/**
 * Serve the local backend on a port:
 *
 *   node dist/main.js [--port 8787] [--host 127.0.0.1] [--data-dir .fruxkit-local] [--seed demo|none]
 *                     [--database-url postgres://…] [--concurrency 4] [--lease-ms 10000] [--no-workers]
 *
 * Each flag also reads an environment variable (FRUXKIT_LOCAL_PORT, _HOST,
 * _DATA_DIR, _SEED, _CONCURRENCY, _LEASE_MS, _WORKERS=0; FRUXKIT_DATABASE_URL,
 * FRUXKIT_SECRET_KEY, FRUXKIT_LLM_BASE_URL, FRUXKIT_LLM_API_KEY,
 * FRUXKIT_LLM_MODEL, FRUXKIT_JUDGE). Binds to loopback by default: there is
 * no authentication here (the gateway does that).
 */
import { serve } from "@hono/node-server"
import { parseCommandLine } from "./command-line.js"
import { createLocalBackend } from "./LocalBackend.js"

const { options, port, hostname } = parseCommandLine(process.argv.slice(2), process.env)
const backend = await createLocalBackend(options)

const server = serve({ fetch: backend.app.fetch, port, hostname }, (info) => {
  console.log(`fruxkit local backend listening on http://${hostname}:${info.port}`)
})

const shutdown = () => {
  server.close()
  void backend.close().then(() => process.exit(0))
}
process.once("SIGINT", shutdown)
process.once("SIGTERM", shutdown)
