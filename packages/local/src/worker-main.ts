#!/usr/bin/env node
/**
 * `fruxkit-worker`: evaluation workers only, no HTTP. Start any number of
 * them on one PostgreSQL database next to the gateways:
 *
 *   FRUXKIT_DATABASE_URL=postgres://… FRUXKIT_SECRET_KEY=… fruxkit-worker [--concurrency 4] [--lease-ms 10000]
 *
 * Same flags and environment as `main.ts` (port and host are ignored). It
 * claims persisted runs' samples from the shared queue until SIGINT/SIGTERM,
 * then hands its unfinished samples back and exits.
 */
import { parseCommandLine } from "./command-line.js"
import { createLocalBackend } from "./LocalBackend.js"

const { options } = parseCommandLine(process.argv.slice(2), process.env)
if (options.databaseUrl === undefined) {
  // Workers in their own process only make sense on a shared database; SQLite runs its workers in main.ts.
  console.error("fruxkit-worker: set FRUXKIT_DATABASE_URL (or --database-url) to a postgres:// URL")
  process.exit(2)
}
// Gateways seed; a worker never creates data of its own.
const backend = await createLocalBackend({ ...options, seed: "none", workers: true })
console.log(`fruxkit worker ${backend.workerId} ready`)

const shutdown = () => void backend.close().then(() => process.exit(0))
process.once("SIGINT", shutdown)
process.once("SIGTERM", shutdown)
