/**
 * Rows are decoded by their schemas (src/store/Row.ts): what the store wrote
 * reads back as the API's shapes on both engines (PostgreSQL's BIGINTs come
 * back as strings), and a row that does not decode fails the request loudly —
 * a 500 problem and a log line naming the table and the field, never the
 * stored value — instead of answering a default.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import { afterEach, describe, expect, it, vi } from "vitest"
import * as PgDatabase from "../src/store/PgDatabase.js"
import * as SqliteDatabase from "../src/store/SqliteDatabase.js"
import * as Store from "../src/store/Store.js"
import { AGENT_PATH, awaitRun, call, DATABASES, withBackend } from "./support.js"

/** One statement through a second connection to the same database. */
const corrupt = async (dataDir: string, databaseUrl: string | undefined, statement: (sql: SqlClient.SqlClient) => Effect.Effect<unknown, unknown>) => {
  const store = await Store.open(databaseUrl === undefined ? SqliteDatabase.layer(dataDir) : PgDatabase.layer(databaseUrl))
  try {
    await store.run(Effect.flatMap(SqlClient.SqlClient, statement))
  } finally {
    await store.close()
  }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe.each(DATABASES)("rows decoded by their schemas ($name)", (database) => {
  it("reads back what it wrote, and a row that does not decode is a 500 naming table and field, not the value", async () => {
    const { backend, dataDir, databaseUrl } = await withBackend(await database.options())
    const logged: Array<string> = []
    vi.spyOn(console, "error").mockImplementation((...args: Array<unknown>) => void logged.push(args.map(String).join(" ")))
    try {
      const started = await call(backend, "POST", `${AGENT_PATH}:evaluate`, { body: { candidateRevision: 2 } })
      expect(started.status).toBe(200)
      const run = await awaitRun(backend, started.json.id)
      expect(run.status).toBe("COMPLETED")
      expect(typeof run.createdAt).toBe("number")
      const listed = await call(backend, "GET", `${AGENT_PATH}/evaluationRuns/${run.id}/samples?PageSize=2`)
      expect(listed.status).toBe(200)
      expect(listed.json.items).toHaveLength(2)
      expect(listed.json.items.map((s: { sampleIndex: number }) => s.sampleIndex)).toEqual([0, 1])
      expect(listed.json.totalCount).toBe(run.summary.totalSamples)
      const next = await call(backend, "GET", `${AGENT_PATH}/evaluationRuns/${run.id}/samples?PageSize=2&PageToken.Cursor=${listed.json.nextPageToken}`)
      expect(next.json.items[0].sampleIndex).toBe(2)
      const agents = await call(backend, "GET", "/v1/tenants/demo/agents")
      expect(agents.json.find((a: { id: string }) => a.id === "support_bot")).toMatchObject({ enabled: true, currentRevision: expect.any(Number) })

      // A result of the wrong shape, a summary that is not JSON, tags that are not a list: each read fails loudly
      // (in this order: a run's listing reads the run first, and every read reads the agent).
      const cases = [
        {
          path: `${AGENT_PATH}/evaluationRuns/${run.id}/samples?PageSize=2`,
          table: "evaluation_run_samples",
          field: "result",
          break: (sql: SqlClient.SqlClient) =>
            sql`UPDATE evaluation_run_samples SET result = ${'{"sampleIndex": "hunter2-secret"}'} WHERE run_id = ${run.id} AND sample_index = 1`
        },
        {
          path: `${AGENT_PATH}/evaluationRuns/${run.id}`,
          table: "evaluation_runs",
          field: "summary",
          break: (sql: SqlClient.SqlClient) => sql`UPDATE evaluation_runs SET summary = ${'{"averageLlmScore": "hunter2-secret'} WHERE id = ${run.id}`
        },
        {
          path: "/v1/tenants/demo/agents",
          table: "agents",
          field: "tags",
          break: (sql: SqlClient.SqlClient) => sql`UPDATE agents SET tags = ${'"hunter2-secret"'} WHERE id = ${"support_bot"}`
        }
      ]
      for (const { path, table, field, break: breakRow } of cases) {
        await corrupt(dataDir, databaseUrl, breakRow)
        logged.length = 0
        const answer = await call(backend, "GET", path)
        expect(answer.status, path).toBe(500)
        expect(answer.headers.get("content-type")).toContain("application/problem+json")
        expect(answer.text).not.toContain("hunter2")
        expect(logged.join("\n")).toContain(`a row of ${table} does not decode (${field})`)
        expect(logged.join("\n")).not.toContain("hunter2")
        if (table === "evaluation_run_samples") {
          // The rows before the corrupt one still read: a page that stops before it.
          expect((await call(backend, "GET", `${AGENT_PATH}/evaluationRuns/${run.id}/samples?PageSize=1`)).status).toBe(200)
        }
      }
    } finally {
      await backend.close()
    }
  }, 60_000)
})
