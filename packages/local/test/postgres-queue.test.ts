/**
 * The run queue on PostgreSQL, with real processes: worker processes
 * (`src/worker-main.ts`) sharing one database, a `kill -9` of one of them
 * mid-run, and several processes migrating one empty database at once. An
 * external agent on loopback counts every call per sample and, at each call,
 * asks the database whether that sample's result is already committed.
 */
import { randomBytes, randomUUID } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { LocalBackend } from "../src/index.js"
import type { RunSampleRow } from "../src/store/RunStore.js"
import { makeSqlRunStore } from "../src/store/EvaluationRunRepository.js"
import * as PgDatabase from "../src/store/PgDatabase.js"
import * as Store from "../src/store/Store.js"
import { createDatabase, openClient, query } from "./postgres.js"
import { waitFor } from "@fruxkit/testkit"
import { killHard, spawnLocal, type LocalProcess } from "./processes.js"
import { AGENT_PATH, awaitRun, call, createDatasetOfDistinctSamples, type LoopbackServer, runRecord, sampleRow, sendJson, startServer, tempDir, withBackend } from "./support.js"

const SAMPLES = 48


const judgedRow = (index: number): RunSampleRow => sampleRow(index, { llmEvaluation: { score: 7, overallAssessment: "IMPROVED" } as never })

describe("the sample queue's statements under concurrency (three connection pools, one database)", () => {
  let stores: Array<Store.Store>

  beforeAll(async () => {
    const url = await createDatabase()
    stores = []
    // One after another: the first creates the schema (concurrent starts have their own test below).
    for (let i = 0; i < 3; i++) stores.push(await Store.open(PgDatabase.layer(url, { maxConnections: 4 })))
  })
  afterAll(() => Promise.all(stores.map((s) => s.close())))

  it("never leases one sample to two workers, and leases every sample once", async () => {
    const runId = randomUUID()
    await makeSqlRunStore(stores[0]!).insert(runRecord(runId, 200))
    const leased: Array<number> = []
    const oversized: Array<number> = []
    // 12 claimers (4 per pool) racing for 200 samples, 7 at a time, until none is left.
    await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const runs = makeSqlRunStore(stores[i % 3]!)
        for (;;) {
          const { indexes: got } = await runs.claimSamples(runId, `w${i}`, Date.now(), 60_000, 7)
          // Never more than asked, even when claims collide on rows (no re-run of the pick).
          if (got.length > 7) oversized.push(got.length)
          if (got.length === 0) return
          leased.push(...got)
        }
      })
    )
    expect(oversized).toEqual([])
    // The insert made one lease row per sample index, 0 to 199 (on PostgreSQL the server makes them from the count).
    expect([...leased].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i))
  })

  it("starts a PENDING run once when several workers claim it at the same moment, and each of them gets it", async () => {
    const runId = randomUUID()
    await makeSqlRunStore(stores[0]!).insert(runRecord(runId, 5))
    const base = Date.now()
    // Three workers on three pools, each with its own clock reading: whose `now` is stored tells who stamped it.
    const claimed = await Promise.all(stores.map((store, i) => makeSqlRunStore(store).claim(`w${i}`, base + i, 60_000, 32)))
    const mine = claimed.map((runs) => runs.find((run) => run.id === runId))
    expect(mine.every((run) => run?.status === "IN_PROGRESS")).toBe(true)
    // Exactly one stamped it (its record carries its own `now`: the run-change announcement goes out once).
    const stampers = mine.flatMap((run, i) => (run?.modifiedAt === base + i ? [i] : []))
    expect(stampers.length).toBe(1)
    const stored = await makeSqlRunStore(stores[0]!).find("t", "a", runId)
    expect(stored?.status).toBe("IN_PROGRESS")
    expect(stored?.startedAt).toBe(base + stampers[0]!)
    expect(mine[stampers[0]!]?.startedAt).toBe(base + stampers[0]!)
    // Claimed again (running, samples left): the run as stored, stamped by nobody.
    const again = (await makeSqlRunStore(stores[1]!).claim("w1", base + 10, 60_000, 32)).find((run) => run.id === runId)
    expect(again?.status).toBe("IN_PROGRESS")
    expect(again?.startedAt).toBe(base + stampers[0]!)
    expect(again?.modifiedAt).not.toBe(base + 10)
  })

  it("counts a claim of samples whose lease lapsed as a takeover (the lease-expiry metric), not one of released samples", async () => {
    const runs = makeSqlRunStore(stores[0]!)
    const runId = randomUUID()
    await runs.insert(runRecord(runId, 3))
    expect(await runs.claimSamples(runId, "w1", Date.now(), 1, 10)).toEqual({ indexes: [0, 1, 2], takenOver: 0 })
    await new Promise((r) => setTimeout(r, 10))
    // w1's leases lapsed (it died): w2 takes the three over.
    expect(await makeSqlRunStore(stores[1]!).claimSamples(runId, "w2", Date.now(), 60_000, 10)).toEqual({ indexes: [0, 1, 2], takenOver: 3 })
    expect((await runs.claimSamples(runId, "w3", Date.now(), 60_000, 10)).indexes).toEqual([])
    // A clean shutdown hands them back: taking them is no takeover.
    await makeSqlRunStore(stores[1]!).release(runId, "w2")
    expect(await runs.claimSamples(runId, "w3", Date.now(), 60_000, 2)).toEqual({ indexes: [0, 1], takenOver: 0 })
  })

  it("announces a stored run, and samples handed back, to listening workers in other processes (so they need not wait for their poll)", async () => {
    const url = await createDatabase()
    const announcer = await Store.open(PgDatabase.layer(url, { maxConnections: 2 }))
    let heard = 0
    const stop = await PgDatabase.listenForEnqueuedRuns(url, () => heard++)
    try {
      // Listening once it resolved: the first insert is heard.
      const before = heard
      const runId = randomUUID()
      const runs = makeSqlRunStore(announcer)
      await runs.insert(runRecord(runId, 2))
      await waitFor(() => heard > before, { timeoutMs: 5_000, what: "the insert's NOTIFY" })
      expect(heard).toBe(before + 1)
      // Samples handed back are work available again; a hand-back of nothing says nothing (notices arrive in
      // commit order, so the insert after it would be counted twice otherwise).
      await runs.claimSamples(runId, "w1", Date.now(), 60_000, 2)
      await runs.release(runId, "w1")
      await waitFor(() => heard > before + 1, { timeoutMs: 5_000, what: "the hand-back's NOTIFY" })
      expect(heard).toBe(before + 2)
      await runs.release(runId, "w1")
      await runs.insert(runRecord(randomUUID(), 1))
      await waitFor(() => heard > before + 2, { timeoutMs: 5_000, what: "the second insert's NOTIFY" })
      await new Promise((r) => setTimeout(r, 100))
      expect(heard).toBe(before + 3)
    } finally {
      await stop()
      await announcer.close()
    }
  })

  it("completes and summarises a run exactly once when its last samples commit at the same time", async () => {
    const runId = randomUUID()
    await makeSqlRunStore(stores[0]!).insert(runRecord(runId, 30))
    const completions = await Promise.all(
      Array.from({ length: 30 }, (_, index) => makeSqlRunStore(stores[index % 3]!).saveSampleResults([{ runId, row: judgedRow(index) }], Date.now()))
    )
    expect(completions.flat()).toEqual([runId])
    const run = await makeSqlRunStore(stores[1]!).find("t", "a", runId)
    expect(run?.status).toBe("COMPLETED")
    expect(run?.completedSamples).toBe(30)
    expect(run?.summary?.successfulEvaluations).toBe(30)
  })
})

describe("a run whose every result is stored but which was never settled (its last worker died in between)", () => {
  it("is offered to workers again and completed by the first settle, once", async () => {
    const url = await createDatabase()
    const store = await Store.open(PgDatabase.layer(url, { maxConnections: 2 }))
    try {
      const runs = makeSqlRunStore(store)
      const runId = randomUUID()
      await runs.insert(runRecord(runId, 3))
      for (const index of [0, 1, 2]) {
        await query(url, "INSERT INTO evaluation_run_samples (run_id, sample_index, sample_id, failed, result) VALUES ($1, $2, $3, 0, $4)", [
          runId,
          index,
          `s${index}`,
          JSON.stringify(judgedRow(index).result)
        ])
      }
      expect((await runs.claim("w", Date.now(), 1_000, 10)).map((r) => r.id)).toEqual([runId])
      expect((await runs.claimSamples(runId, "w", Date.now(), 1_000, 10)).indexes).toEqual([])
      expect(await Promise.all([runs.settle(runId, Date.now()), runs.settle(runId, Date.now())])).toEqual(
        expect.arrayContaining([true, false])
      )
      const run = await runs.find("t", "a", runId)
      expect(run?.status).toBe("COMPLETED")
      expect(run?.summary?.successfulEvaluations).toBe(3)
      expect(await runs.claim("w", Date.now(), 1_000, 10)).toEqual([])
    } finally {
      await store.close()
    }
  })
})

/** The deployment the README describes: N gateways with workers off, M workers, one PostgreSQL (here 2 + 4). */
describe("two gateways (workers off) and four fruxkit-worker processes on one PostgreSQL database", () => {
  const secretKey = randomBytes(32).toString("base64")
  let databaseUrl: string
  let front: LocalBackend
  let otherFront: LocalBackend
  let agent: LoopbackServer
  let workers: Array<LocalProcess> = []
  let db: Awaited<ReturnType<typeof openClient>>
  let datasetId: string
  /**
   * Runs of earlier tests (same questions): a result of theirs is not this run's. Not "the current run's id":
   * workers woken by the run's NOTIFY call the agent before the POST that enqueued it has answered.
   */
  const earlierRuns: Array<string> = []
  let lookups: Promise<unknown> = Promise.resolve()
  const calls = new Map<string, number>()
  /** Calls for a sample whose result was already committed when the call arrived. */
  const lateCalls: Array<string> = []

  beforeAll(async () => {
    databaseUrl = await createDatabase()
    db = await openClient(databaseUrl)
    agent = await startServer(async (request, response) => {
      const question: string = request.body.parameters.question
      calls.set(question, (calls.get(question) ?? 0) + 1)
      // One connection answers one query at a time: calls take turns.
      const lookup = lookups.then(() =>
        db.query(
          "SELECT 1 FROM evaluation_run_samples WHERE run_id <> ALL($1::text[]) AND (result::json -> 'parameters' ->> 'question') = $2",
          [earlierRuns, question]
        )
      )
      lookups = lookup
      const committed = await lookup
      if (committed.rows.length > 0) lateCalls.push(question)
      await new Promise((r) => setTimeout(r, 120))
      sendJson(response, 200, { response: `External: ${question}` })
    })
    // The gateway side: takes requests, seeds the demo, runs no persisted work itself.
    ;({ backend: front } = await withBackend({ dataDir: tempDir(), databaseUrl, secretKey, workers: false }))
    ;({ backend: otherFront } = await withBackend({ dataDir: tempDir(), databaseUrl, secretKey, workers: false, seed: "none" }))
    datasetId = await createDatasetOfDistinctSamples(front, SAMPLES)
    workers = await Promise.all(
      [0, 1, 2, 3].map(() =>
        spawnLocal(
          "src/worker-main.ts",
          ["--data-dir", tempDir(), "--concurrency", "2", "--lease-ms", "3000"],
          { FRUXKIT_DATABASE_URL: databaseUrl, FRUXKIT_SECRET_KEY: secretKey },
          /fruxkit worker (worker-[0-9a-f-]+) ready/
        )
      )
    )
  }, 90_000)
  afterAll(async () => {
    await Promise.all(workers.map(killHard))
    await front?.close()
    await otherFront?.close()
    await agent?.close()
    await db?.end()
  })

  /** Enqueued through `gateway`; the tests follow it through the other one. */
  const evaluate = async (gateway: LocalBackend): Promise<string> => {
    calls.clear()
    lateCalls.length = 0
    earlierRuns.push(...(await query<{ id: string }>(databaseUrl, "SELECT id FROM evaluation_runs")).map((run) => run.id))
    const started = await call(gateway, "POST", `${AGENT_PATH}:evaluate`, {
      body: { candidateRevision: 2, datasetId, candidateExternalConfig: { parameters: { endpoint: `${agent.url}/agent`, api_key: "k-1" } } }
    })
    expect(started.json.status).toBe("PENDING")
    return started.json.id
  }

  it("complete a run, every sample judged exactly once, with the work split over all four", async () => {
    const runId = await evaluate(otherFront)
    const run = await awaitRun(front, runId, 30_000)
    expect(run.status).toBe("COMPLETED")
    expect(run.summary.totalSamples).toBe(SAMPLES)
    expect(run.summary.successfulEvaluations).toBe(SAMPLES)
    expect(calls.size).toBe(SAMPLES)
    expect([...calls].filter(([, n]) => n !== 1)).toEqual([])
    expect(lateCalls).toEqual([])
    const [stored] = await query<{ n: number }>(databaseUrl, "SELECT COUNT(*)::int AS n FROM evaluation_run_samples WHERE run_id = $1", [runId])
    expect(stored!.n).toBe(SAMPLES)
    const owners = await query<{ lease_owner: string }>(databaseUrl, "SELECT DISTINCT lease_owner FROM evaluation_sample_leases WHERE run_id = $1", [runId])
    expect(owners.map((o) => o.lease_owner).sort()).toEqual(workers.map((w) => w.ready[1]).sort())
  }, 60_000)

  it("complete a run after kill -9 of one of them mid-run; no sample is judged again once its result is committed", async () => {
    const runId = await evaluate(front)
    for (let i = 0; i < 600; i++) {
      const now = await call(otherFront, "GET", `${AGENT_PATH}/evaluationRuns/${runId}`)
      if (now.json.progress.completedSamples >= 10) break
      await new Promise((r) => setTimeout(r, 20))
    }
    const victim = workers[0]!
    await killHard(victim)
    const owner = victim.ready[1]!
    // What it held when it died: leased, not committed. Those samples must move to the survivors.
    const lost = await query<{ sample_index: number }>(
      databaseUrl,
      `SELECT l.sample_index FROM evaluation_sample_leases l WHERE l.run_id = $1 AND l.lease_owner = $2
         AND NOT EXISTS (SELECT 1 FROM evaluation_run_samples s WHERE s.run_id = l.run_id AND s.sample_index = l.sample_index)`,
      [runId, owner]
    )
    expect(lost.length).toBeGreaterThan(0)
    // A worker leases only what it can start now: its 2 slots, plus results evaluated and waiting for their commit.
    expect(lost.length).toBeLessThanOrEqual(4)

    const run = await awaitRun(otherFront, runId, 30_000)
    expect(run.status).toBe("COMPLETED")
    expect(run.summary.totalSamples).toBe(SAMPLES)
    expect(run.progress.completedSamples).toBe(SAMPLES)
    expect(lateCalls).toEqual([])
    expect(calls.size).toBe(SAMPLES)
    // Only a sample the victim was running when it died may have been called twice.
    const repeated = [...calls.values()].filter((n) => n > 1).length
    expect(repeated).toBeLessThanOrEqual(lost.length)
    expect([...calls.values()].every((n) => n <= 2)).toBe(true)
    const [stored] = await query<{ n: number }>(databaseUrl, "SELECT COUNT(*)::int AS n FROM evaluation_run_samples WHERE run_id = $1", [runId])
    expect(stored!.n).toBe(SAMPLES)
    // Every sample it held and had not committed was leased again, and judged, by a survivor.
    const takenOver = await query<{ lease_owner: string }>(
      databaseUrl,
      "SELECT lease_owner FROM evaluation_sample_leases WHERE run_id = $1 AND sample_index = ANY($2::bigint[])",
      [runId, lost.map((l) => l.sample_index)]
    )
    expect(takenOver).toHaveLength(lost.length)
    for (const { lease_owner } of takenOver) expect(workers.slice(1).map((w) => w.ready[1])).toContain(lease_owner)
  }, 60_000)
})

describe("several processes starting at once on one empty PostgreSQL database", () => {
  it("migrate it once and seed the demo once; every one of them serves", async () => {
    const databaseUrl = await createDatabase()
    const started = await Promise.all(
      [0, 1, 2].map(() =>
        spawnLocal(
          "src/main.ts",
          ["--port", "0", "--data-dir", tempDir(), "--seed", "demo", "--no-workers"],
          { FRUXKIT_DATABASE_URL: databaseUrl },
          /listening on (http:\/\/[^\s]+)/
        )
      )
    )
    try {
      for (const process of started) {
        const answer = await fetch(`${process.ready[1]}${AGENT_PATH}/datasets`)
        expect(answer.status).toBe(200)
        expect(((await answer.json()) as Array<{ name: string }>).map((d) => d.name)).toEqual(["golden"])
      }
      const migrations = await query<{ migration_id: number }>(databaseUrl, "SELECT migration_id FROM fruxkit_migrations ORDER BY migration_id")
      expect(migrations.map((m) => m.migration_id)).toEqual([1, 2, 3, 4, 5, 6, 7])
      const [counts] = await query<{ tenants: number; samples: number; records: number }>(
        databaseUrl,
        `SELECT (SELECT COUNT(*)::int FROM tenants) AS tenants, (SELECT COUNT(*)::int FROM samples) AS samples,
           (SELECT COUNT(*)::int FROM execution_records) AS records`
      )
      expect(counts).toEqual({ tenants: 1, samples: 10, records: 12 })
    } finally {
      await Promise.all(started.map(killHard))
    }
  }, 90_000)
})

describe("listening for announcements on PostgreSQL (PgDatabase.listenOn)", () => {
  const CHANNEL = "fruxkit_test_channel"
  /** The listening sessions on the database of `url`: their backend pids. */
  const listeners = async (url: string): Promise<Array<number>> =>
    (
      await query<{ pid: number }>(
        url,
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'fruxkit-local-listener' ORDER BY pid"
      )
    ).map((row) => row.pid)

  it("is in place when it resolves: a NOTIFY sent at once is heard", async () => {
    const url = await createDatabase()
    const heard: Array<string> = []
    const stop = await PgDatabase.listenOn(url, CHANNEL, (payload) => heard.push(payload))
    try {
      await query(url, `NOTIFY ${CHANNEL}, 'first'`)
      await waitFor(() => heard.length > 0, { timeoutMs: 5_000, what: "the NOTIFY sent right after listenOn resolved" })
      expect(heard).toEqual(["first"])
    } finally {
      await stop()
    }
  })

  it("listens again on a new connection when its connection is lost, and stops for good when stopped", async () => {
    const url = await createDatabase()
    const heard: Array<string> = []
    const stop = await PgDatabase.listenOn(url, CHANNEL, (payload) => heard.push(payload))
    let stopped = false
    try {
      const [first] = await listeners(url)
      expect(first).toBeTypeOf("number")
      // The session ends as in a server restart or a failover: the client sees its connection lost.
      await query(url, "SELECT pg_terminate_backend($1)", [first])
      await waitFor(
        async () => {
          await query(url, `NOTIFY ${CHANNEL}, 'after'`)
          return heard.includes("after")
        },
        { timeoutMs: 10_000, intervalMs: 200, what: "a NOTIFY heard after the listening session was terminated" }
      )
      const [second] = await listeners(url)
      expect(second).toBeTypeOf("number")
      expect(second).not.toBe(first)
      await stop()
      stopped = true
      expect(await listeners(url)).toEqual([])
      const count = heard.length
      await query(url, `NOTIFY ${CHANNEL}, 'late'`)
      // Past the relisten pause: a stopped listener does not come back.
      await new Promise((r) => setTimeout(r, 1_500))
      expect(await listeners(url)).toEqual([])
      expect(heard).toHaveLength(count)
    } finally {
      if (!stopped) await stop()
    }
  })

  it("keeps trying when the database cannot be reached at first, and resolves without waiting for it", async () => {
    const url = await createDatabase()
    const name = new URL(url).pathname.slice(1)
    // A database that does not exist yet: the first attempts are refused.
    const later = new URL(url)
    later.pathname = `/${name}_later`
    const heard: Array<string> = []
    const began = Date.now()
    const stop = await PgDatabase.listenOn(later.toString(), CHANNEL, (payload) => heard.push(payload))
    try {
      expect(Date.now() - began).toBeLessThan(5_000)
      await query(url, `CREATE DATABASE ${name}_later`)
      await waitFor(
        async () => {
          await query(later.toString(), `NOTIFY ${CHANNEL}, 'reached'`)
          return heard.includes("reached")
        },
        { timeoutMs: 10_000, intervalMs: 200, what: "a NOTIFY heard once the database exists" }
      )
    } finally {
      await stop()
    }
  })
})
