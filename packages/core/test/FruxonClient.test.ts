import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { afterEach, describe, expect, it } from "vitest"
import * as FruxonClient from "../src/FruxonClient.js"
import * as FruxonError from "../src/FruxonError.js"
import {
  closedPort,
  DATASET_A,
  DATASET_B,
  json,
  problem,
  RECORD_ID,
  RUN_ID,
  runJson,
  sampleJson,
  startFakeFruxon,
  type FakeFruxon,
  type Script
} from "@fruxkit/testkit"

const TOKEN = "tok_super_secret_value_123"
const fast = { baseDelay: "10 millis", maxDelay: "40 millis", maxRetryAfter: "200 millis" } as const

let server: FakeFruxon | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const start = async (script: Script) => {
  server = await startFakeFruxon({ script })
  return server
}

const withClient = <A, E>(
  baseUrl: string,
  use: (client: FruxonClient.Client) => Effect.Effect<A, E>,
  config: Partial<FruxonClient.Config> = {}
) =>
  Effect.runPromise(
    Effect.flatMap(FruxonClient.FruxonClient, use).pipe(
      Effect.either,
      Effect.provide(FruxonClient.layerFetch({ baseUrl, token: Redacted.make(TOKEN), retry: fast, ...config }))
    )
  )

const runPath = `/v1/tenants/demo/agents/support_bot/evaluationRuns/${RUN_ID}`
const addPath = `/v1/tenants/demo/agents/support_bot/executionRecords/${RECORD_ID}:addToDatasets`
const runRef = { tenant: "demo", agent: "support_bot", evaluationRun: RUN_ID }
const addArgs = {
  tenant: "demo",
  agent: "support_bot",
  executionRecord: RECORD_ID,
  body: { datasetIds: [DATASET_A], quality: "GOOD" as const, tags: ["smoke"] }
}

const expectLeft = <A, E>(result: { _tag: "Left"; left: E } | { _tag: "Right"; right: A }): E => {
  if (result._tag !== "Left") throw new Error(`expected a failure, got ${JSON.stringify(result.right)}`)
  return result.left
}

describe("requests", () => {
  it("builds the request from the table: path, bearer token, If-Match, body", async () => {
    const fake = await start(() => json(200, { response: "ok", executionRecordId: RECORD_ID, status: "COMPLETED" }))
    const result = await withClient(fake.url, (c) =>
      c.testDraft({ tenant: "demo", agent: "support_bot", revision: 2, ifMatch: 7, body: { parameters: { q: "hi" } } })
    )
    expect(result._tag).toBe("Right")
    const seen = fake.requests[0]!
    expect(seen.method).toBe("POST")
    expect(seen.url).toBe("/v1/tenants/demo/agents/support_bot/revisions/2/draft:test")
    expect(seen.headers.authorization).toBe(`Bearer ${TOKEN}`)
    expect(seen.headers["if-match"]).toBe('"7"')
    expect(JSON.parse(seen.body)).toEqual({ parameters: { q: "hi" } })
  })

  it("refuses a body with an unknown property before sending, naming the field", async () => {
    const fake = await start(() => json(200, []))
    const result = await withClient(fake.url, (c) =>
      c.addToDatasets({ ...addArgs, body: { ...addArgs.body, bogus: 1 } as never })
    )
    const error = expectLeft(result)
    expect(error._tag).toBe("InvalidRequest")
    expect((error as FruxonError.InvalidRequest).errors.map((e) => e.path)).toContain("body.bogus")
    expect(fake.count()).toBe(0)
  })

  it("refuses an invalid enum and a path segment with '..' before sending", async () => {
    const fake = await start(() => json(200, []))
    const badEnum = expectLeft(
      await withClient(fake.url, (c) => c.addToDatasets({ ...addArgs, body: { quality: "GREAT" as never } }))
    )
    expect((badEnum as FruxonError.InvalidRequest).errors[0]!.path).toBe("body.quality")
    const badPath = expectLeft(await withClient(fake.url, (c) => c.getAgent({ tenant: "demo", agent: ".." })))
    expect((badPath as FruxonError.InvalidRequest).errors[0]!.path).toBe("path.agent")
    expect(fake.count()).toBe(0)
  })
})

describe("responses", () => {
  it("ignores unknown fields, keeps an unknown enum value, normalises PascalCase", async () => {
    const fake = await start((seen) =>
      seen.url.endsWith("evaluationRuns?PageSize=2")
        ? json(200, {
            items: [runJson("Completed", { brandNew: true }), runJson("PAUSED_FOR_AUDIT")],
            nextPageToken: "",
            totalCount: 2
          })
        : json(404, {})
    )
    const result = await withClient(fake.url, (c) =>
      c.listEvaluationRunsPage({ tenant: "demo", agent: "support_bot", query: { PageSize: 2 } })
    )
    if (result._tag !== "Right") throw result.left
    expect(result.right.items.map((r) => r.status)).toEqual(["COMPLETED", "PAUSED_FOR_AUDIT"])
    expect("brandNew" in result.right.items[0]!).toBe(false)
  })

  it("names the field of a response with the wrong shape", async () => {
    const fake = await start(() => json(200, runJson("PENDING", { id: 42, score: "high" })))
    const error = expectLeft(await withClient(fake.url, (c) => c.getEvaluationRun(runRef)))
    expect(error._tag).toBe("ResponseDecodeError")
    const paths = (error as FruxonError.ResponseDecodeError).errors.map((e) => e.path)
    expect(paths).toEqual(expect.arrayContaining(["body.id", "body.score"]))
  })

  it("reports malformed JSON as a decode error, not a crash", async () => {
    const fake = await start(() => ({ kind: "raw", status: 200, body: '{"id": "x", ' }))
    const error = expectLeft(await withClient(fake.url, (c) => c.getEvaluationRun(runRef)))
    expect(error._tag).toBe("ResponseDecodeError")
    expect(error.message).toContain("not valid JSON")
  })

  it("keeps the whole problem+json document, extension members included", async () => {
    const fake = await start(() => problem(404, { detail: "no such run", traceId: "abc-123", hints: ["x"] }))
    const error = expectLeft(await withClient(fake.url, (c) => c.getEvaluationRun(runRef)))
    expect(error._tag).toBe("NotFound")
    const notFound = error as FruxonError.NotFound
    expect(notFound.problem.traceId).toBe("abc-123")
    expect(notFound.problem.hints).toEqual(["x"])
    expect(notFound.message).toContain("no such run")
    expect(fake.count()).toBe(1)
  })

  it("reads {message, details} error bodies too", async () => {
    const fake = await start(() => json(403, { message: "Tenant locked", details: "billing" }))
    const error = expectLeft(await withClient(fake.url, (c) => c.getEvaluationRun(runRef)))
    expect(error._tag).toBe("Forbidden")
    expect((error as FruxonError.Forbidden).problem.title).toBe("Tenant locked")
    expect((error as FruxonError.Forbidden).problem.detail).toBe("billing")
  })

  it("maps 409 and 412 on draft:test to StaleDraft, 409 elsewhere to Conflict", async () => {
    for (const status of [409, 412]) {
      const fake = await start(() => problem(status, { type: "https://fruxkit.dev/problems/stale-draft" }))
      const error = expectLeft(
        await withClient(fake.url, (c) => c.testDraft({ tenant: "demo", agent: "support_bot", revision: 2, ifMatch: '"3"' }))
      )
      expect(error._tag).toBe("StaleDraft")
      expect(fake.count()).toBe(1)
      await fake.close()
      server = undefined
    }
    const fake = await start(() => problem(409))
    const error = expectLeft(await withClient(fake.url, (c) => c.cancelEvaluationRun(runRef)))
    expect(error._tag).toBe("Conflict")
  })

  it("decodes 204 on getDraft as null", async () => {
    const fake = await start(() => ({ kind: "raw", status: 204, body: "" }))
    const result = await withClient(fake.url, (c) => c.getDraft({ tenant: "demo", agent: "support_bot", revision: 2 }))
    expect(result._tag === "Right" && result.right).toBe(null)
  })
})

describe("retries", () => {
  it("retries a GET on 503 and honours retry-after-ms", async () => {
    const fake = await start((_, i) => (i === 0 ? problem(503, {}, { "retry-after-ms": "150" }) : json(200, runJson("PENDING"))))
    const started = Date.now()
    const result = await withClient(fake.url, (c) => c.getEvaluationRun(runRef))
    expect(result._tag).toBe("Right")
    expect(fake.count(runPath)).toBe(2)
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
  })

  it("gives up on a GET after maxAttempts", async () => {
    const fake = await start(() => problem(500))
    const error = expectLeft(await withClient(fake.url, (c) => c.getEvaluationRun(runRef)))
    expect(error._tag).toBe("ServerError")
    expect(fake.count(runPath)).toBe(3)
  })

  it("retries a GET after a connection reset", async () => {
    const fake = await start(() => json(200, runJson("PENDING")))
    fake.inject(/./, { kind: "resetBeforeBody" })
    const result = await withClient(fake.url, (c) => c.getEvaluationRun(runRef))
    expect(result._tag).toBe("Right")
    expect(fake.count(runPath)).toBe(2)
  })

  it("never repeats a creating call the server has seen", async () => {
    const fake = await start(() => ({ kind: "reset" }))
    const error = expectLeft(await withClient(fake.url, (c) => c.addToDatasets(addArgs)))
    expect(error._tag).toBe("TransportError")
    expect((error as FruxonError.TransportError).reachedServer).toBe("unknown")
    expect(fake.count(addPath)).toBe(1)
    expect(fake.requests[0]!.bodyRead).toBe(true)

    fake.script = () => problem(500)
    const serverError = expectLeft(await withClient(fake.url, (c) => c.addToDatasets(addArgs)))
    expect(serverError._tag).toBe("ServerError")
    expect(fake.count(addPath)).toBe(2)

    fake.script = () => problem(503)
    expect(expectLeft(await withClient(fake.url, (c) => c.addToDatasets(addArgs)))._tag).toBe("Unavailable")
    expect(fake.count(addPath)).toBe(3)
  })

  it("does not repeat a creating call reset before its body was read either (the server got the request)", async () => {
    const fake = await start(() => json(200, runJson("PENDING")))
    fake.injectEvery(/./, { kind: "resetBeforeBody" })
    const error = expectLeft(await withClient(fake.url, (c) => c.evaluate({ tenant: "demo", agent: "support_bot" })))
    expect(error._tag).toBe("TransportError")
    expect(fake.count()).toBe(1)
  })

  it("retries a creating call when the server asks with 429/503 + Retry-After", async () => {
    const fake = await start((_, i) =>
      i === 0 ? problem(429, {}, { "retry-after": "0.05" }) : i === 1 ? problem(503, {}, { "retry-after-ms": "20" }) : json(200, [sampleJson(DATASET_A)])
    )
    const result = await withClient(fake.url, (c) => c.addToDatasets(addArgs))
    expect(result._tag).toBe("Right")
    expect(fake.count(addPath)).toBe(3)
  })

  it("retries a creating call that carries an idempotency key, and sends the key", async () => {
    const fake = await start((_, i) => (i < 2 ? problem(500) : json(200, [sampleJson(DATASET_A)])))
    const result = await withClient(fake.url, (c) => c.addToDatasets({ ...addArgs, idempotencyKey: "key-1" }))
    expect(result._tag).toBe("Right")
    expect(fake.count(addPath)).toBe(3)
    expect(fake.requests.every((s) => s.headers["idempotency-key"] === "key-1")).toBe(true)
  })

  it("retries a creating call that provably never reached the server (connection refused)", async () => {
    const url = await closedPort()
    const retries: Array<string> = []
    const error = expectLeft(
      await withClient(url, (c) => c.addToDatasets(addArgs), { onRetry: (info) => retries.push(info.error._tag) })
    )
    expect(error._tag).toBe("TransportError")
    expect((error as FruxonError.TransportError).reachedServer).toBe(false)
    expect(retries).toEqual(["TransportError", "TransportError"])
  })

  it("times out a stalled request, and retries it when it is a read", async () => {
    const fake = await start(() => ({ kind: "stall" }))
    const error = expectLeft(await withClient(fake.url, (c) => c.getEvaluationRun(runRef), { timeout: "100 millis" }))
    expect(error._tag).toBe("RequestTimeout")
    expect(fake.count(runPath)).toBe(3)
  })

  it("stops retrying when the client-wide budget is spent", async () => {
    const fake = await start(() => problem(500))
    const result = await withClient(
      fake.url,
      (c) => Effect.all([c.getEvaluationRun(runRef).pipe(Effect.either), c.getEvaluationRun(runRef).pipe(Effect.either)]),
      { retry: { ...fast, budget: { capacity: 10, retryCost: 5, successRefund: 1 } } }
    )
    expect(result._tag).toBe("Right")
    // 2 calls × 1 attempt + the 2 retries the bucket could pay for.
    expect(fake.count(runPath)).toBe(4)
  })
})

describe("secrets", () => {
  it("never puts the token in an error's message, toString or JSON", async () => {
    const fake = await start((_, i) => (i % 2 === 0 ? problem(401, { detail: "bad token" }) : json(200, { id: 5 })))
    const errors = [
      expectLeft(await withClient(fake.url, (c) => c.getEvaluationRun(runRef))),
      expectLeft(await withClient(fake.url, (c) => c.getEvaluationRun(runRef))),
      expectLeft(await withClient(await closedPort(), (c) => c.getEvaluationRun(runRef)))
    ]
    expect(errors.map((e) => e._tag)).toEqual(["Unauthorized", "ResponseDecodeError", "TransportError"])
    for (const error of errors) {
      expect(error.message).not.toContain(TOKEN)
      expect(String(error)).not.toContain(TOKEN)
      expect(JSON.stringify(error)).not.toContain(TOKEN)
    }
  })
})

describe("dedupe", () => {
  it("creates samples only in datasets that do not hold the execution yet", async () => {
    const existing = { ...sampleJson(DATASET_A), tags: ["smoke"] }
    const fake = await start((seen) => {
      if (seen.method === "GET") return json(200, [existing])
      const { datasetIds } = JSON.parse(seen.body) as { datasetIds: Array<string> }
      return json(200, datasetIds.map((id) => sampleJson(id)))
    })
    const result = await withClient(fake.url, (c) =>
      c.addToDatasets({ ...addArgs, body: { ...addArgs.body, datasetIds: [DATASET_A, DATASET_B] }, dedupe: true })
    )
    if (result._tag !== "Right") throw result.left
    expect(result.right.created.map((s) => s.datasetId)).toEqual([DATASET_B])
    expect(result.right.skipped.map((s) => s.datasetId)).toEqual([DATASET_A])
    expect(JSON.parse(fake.requests[1]!.body).datasetIds).toEqual([DATASET_B])

    const again = await withClient(fake.url, (c) =>
      c.addToDatasets({ ...addArgs, body: { ...addArgs.body, datasetIds: [DATASET_A] }, dedupe: true })
    )
    if (again._tag !== "Right") throw again.left
    expect(again.right.created).toEqual([])
    expect(fake.count(addPath)).toBe(1)
  })
})

describe("paging", () => {
  it("streams every item across pages by passing nextPageToken back as PageToken.Cursor", async () => {
    const fake = await start((seen) => {
      const url = new URL(seen.url, "http://x")
      const cursor = url.searchParams.get("PageToken.Cursor")
      const item = (n: number) => ({ sampleId: `s${n}`, sampleIndex: n })
      if (cursor === null) return json(200, { items: [item(0), item(1)], nextPageToken: "p2", totalCount: 3 })
      if (cursor === "p2") return json(200, { items: [item(2)], nextPageToken: "", totalCount: 3 })
      return problem(400)
    })
    const result = await withClient(fake.url, (c) =>
      Stream.runCollect(c.listEvaluationRunSamples({ ...runRef, query: { PageSize: 2 } }))
    )
    if (result._tag !== "Right") throw result.left
    expect([...result.right].map((s) => s.sampleIndex)).toEqual([0, 1, 2])
    expect(fake.count()).toBe(2)
  })
})

describe("awaitEvaluationRun by polling (a server without event stream or long-poll)", () => {
  it("polls to a terminal status, surviving transient failures, reporting every change", async () => {
    const statuses = ["PENDING", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED"]
    let served = 0
    const fake = await start((_, i) => {
      if (i === 1) return problem(503) // a transient failure mid-wait
      const status = statuses[Math.min(served++, statuses.length - 1)]!
      return json(200, runJson(status, { progress: { totalSamples: 4, completedSamples: served, failedSamples: 0 } }))
    })
    const seen: Array<string> = []
    const result = await withClient(fake.url, (c) =>
      c.awaitEvaluationRun(runRef, {
        transport: "poll",
        initialDelay: "20 millis",
        maxDelay: "50 millis",
        onProgress: (run) => seen.push(`${run.status}:${run.progress?.completedSamples}`)
      })
    )
    if (result._tag !== "Right") throw result.left
    expect(result.right.status).toBe("COMPLETED")
    expect(seen.at(-1)).toBe("COMPLETED:4")
    expect(seen[0]).toBe("PENDING:1")
    expect(seen.length).toBeGreaterThanOrEqual(3)
  })

  it("ends at the deadline with a typed error carrying the last run seen", async () => {
    const fake = await start(() => json(200, runJson("IN_PROGRESS")))
    const error = expectLeft(
      await withClient(fake.url, (c) => c.awaitEvaluationRun(runRef, { initialDelay: "20 millis", deadline: "200 millis" }))
    )
    expect(error._tag).toBe("EvaluationRunTimeout")
    expect((error as { lastSeen?: { status: string } }).lastSeen?.status).toBe("IN_PROGRESS")
  })

  it("fails at once on a non-transient error", async () => {
    const fake = await start(() => problem(404))
    const error = expectLeft(await withClient(fake.url, (c) => c.awaitEvaluationRun(runRef, { initialDelay: "20 millis" })))
    expect(error._tag).toBe("NotFound")
    expect(fake.count(runPath)).toBe(1)
  })

  it("honours the server's Retry-After hint between polls", async () => {
    const fake = await start((_, i) =>
      json(200, runJson(i < 2 ? "IN_PROGRESS" : "COMPLETED"), { "retry-after-ms": "300" })
    )
    const started = Date.now()
    const result = await withClient(fake.url, (c) =>
      c.awaitEvaluationRun(runRef, { transport: "poll", initialDelay: "10 millis", maxDelay: "2 seconds" })
    )
    expect(result._tag).toBe("Right")
    // first poll at once, second after initialDelay, third after the 300 ms hint
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
  })

  it("stops polling when interrupted", async () => {
    const fake = await start(() => json(200, runJson("IN_PROGRESS", { modifiedAt: Date.now() })))
    await Effect.runPromise(
      Effect.gen(function* () {
        const client = yield* FruxonClient.FruxonClient
        const fiber = yield* Effect.fork(client.awaitEvaluationRun(runRef, { initialDelay: "10 millis", maxDelay: "20 millis" }))
        yield* Effect.sleep("150 millis")
        yield* Fiber.interrupt(fiber)
      }).pipe(Effect.provide(FruxonClient.layerFetch({ baseUrl: fake.url, retry: fast })))
    )
    // A request already on the wire when the fiber was interrupted may still land.
    await new Promise((resolve) => setTimeout(resolve, 40))
    const afterInterrupt = fake.count(runPath)
    expect(afterInterrupt).toBeGreaterThan(2)
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(fake.count(runPath)).toBe(afterInterrupt)
  })

  it("evaluateAndWait starts the run and waits for it", async () => {
    const fake = await start((seen, i) =>
      seen.method === "POST" ? json(200, runJson("PENDING")) : json(200, runJson(i > 2 ? "COMPLETED" : "IN_PROGRESS", { score: 0.9 }))
    )
    const result = await withClient(fake.url, (c) =>
      c.evaluateAndWait({ tenant: "demo", agent: "support_bot", body: { candidateRevision: 2 } }, { initialDelay: "10 millis" })
    )
    if (result._tag !== "Right") throw result.left
    expect(result.right.status).toBe("COMPLETED")
    expect(result.right.score).toBe(0.9)
    expect(fake.requests[0]!.method).toBe("POST")
  })
})
