/**
 * The queue's hot statements run on the SQLite driver itself (SqliteQueue.ts), beside @effect/sql on the same
 * connection. A claim made while another part of the process has a transaction open waits for it instead of
 * landing inside it: the transaction's rollback leaves the claim, and the claim never sees its writes.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeSqlRunStore } from "../src/store/EvaluationRunRepository.js"
import type { RunRecord } from "../src/store/RunStore.js"
import * as SqliteDatabase from "../src/store/SqliteDatabase.js"
import * as Store from "../src/store/Store.js"
import { runRecord, tempDir } from "./support.js"

const run = (id: string, samples: number): RunRecord =>
  runRecord(id, samples, { deployedRevision: null, status: "IN_PROGRESS", createdAt: 1, modifiedAt: 1, startedAt: 1 })

describe("the SQLite queue beside @effect/sql on one connection", () => {
  let store: Store.Store

  beforeAll(async () => {
    store = await Store.open(SqliteDatabase.layer(tempDir()))
  })
  afterAll(() => store.close())

  it("waits for a transaction another caller has open, and outlives its rollback", async () => {
    const runs = makeSqlRunStore(store)
    await runs.insert(run("r1", 3))
    let open!: () => void
    const opened = new Promise<void>((resolve) => (open = resolve))
    let finish!: () => void
    const finished = new Promise<void>((resolve) => (finish = resolve))
    // A transaction that writes, then waits (across the event loop) before it fails and rolls back.
    const transaction = store
      .transaction(
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          yield* sql`UPDATE evaluation_sample_leases SET lease_owner = ${"rolled-back"}, lease_expires_at = ${Date.now() + 60_000}
            WHERE run_id = ${"r1"} AND sample_index = ${0}`
          open()
          yield* Effect.promise(() => finished)
          return yield* Effect.fail(new Error("rolled back on purpose"))
        })
      )
      .then(
        () => "committed",
        (error: Error) => error.message
      )
    await opened
    let claimedAt: number | undefined
    const claim = runs.claimSamples("r1", "worker-a", Date.now(), 60_000, 1).then((claimed) => ((claimedAt = Date.now()), claimed))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(claimedAt).toBeUndefined()
    const finishedAt = Date.now()
    finish()
    expect(await transaction).toBe("rolled back on purpose")
    const claimed = await claim
    expect(claimedAt).toBeGreaterThanOrEqual(finishedAt)
    // The rolled-back lease on sample 0 was never visible to the claim, and the claim's own lease stays.
    expect(claimed).toEqual({ indexes: [0], takenOver: 0 })
    const rows = await store.run(
      Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql<{ sample_index: number; lease_owner: string | null }>`SELECT sample_index, lease_owner FROM evaluation_sample_leases
          WHERE run_id = ${"r1"} ORDER BY sample_index`
      )
    )
    expect(rows.map((row) => [Number(row.sample_index), row.lease_owner])).toEqual([
      [0, "worker-a"],
      [1, null],
      [2, null]
    ])
  })
})
