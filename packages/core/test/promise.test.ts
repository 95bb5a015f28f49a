/**
 * The Promise facade against a real loopback server: paged lists that await
 * and iterate, responses beside the data, errors a user can act on, per-call
 * options and aborts in plain JavaScript terms.
 */
import { inspect } from "node:util"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { afterEach, describe, expect, it } from "vitest"
import * as FruxonClient from "../src/FruxonClient.js"
import { createFruxonClient, FruxonError, type PromiseClient } from "../src/promise.js"
import { json, problem, RUN_ID, runJson, startFakeFruxon, type FakeFruxon, type Script } from "@fruxkit/testkit"

const TOKEN = "tok_super_secret_value_123"
const ref = { tenant: "demo", agent: "support_bot" }
const runsPath = "/v1/tenants/demo/agents/support_bot/evaluationRuns"

let server: FakeFruxon | undefined
let client: PromiseClient | undefined
afterEach(async () => {
  await client?.close()
  await server?.close()
  client = undefined
  server = undefined
})

const start = async (script: Script, config: Partial<Parameters<typeof createFruxonClient>[0]> = {}) => {
  server = await startFakeFruxon({ script })
  client = createFruxonClient({ baseUrl: server.url, token: TOKEN, retry: { baseDelay: 5, maxDelay: 20 }, ...config })
  return { fake: server, client }
}

const queryOf = (url: string) => new URL(url, "http://x").searchParams

/** Three pages of runs: `a`, `b` then `c`, two runs each; page tokens `p2`, `p3`. */
const threePages: Script = (seen) => {
  const cursor = queryOf(seen.url).get("PageToken.Cursor")
  const page = cursor === null ? "a" : cursor === "p2" ? "b" : "c"
  const next = page === "a" ? "p2" : page === "b" ? "p3" : ""
  return json(
    200,
    { items: [runJson("COMPLETED", { id: `${page}1` }), runJson("COMPLETED", { id: `${page}2` })], nextPageToken: next, totalCount: 6 },
    { "x-request-id": `req-${page}` }
  )
}

describe("paged lists", () => {
  it("await gives the first page: data, nextPageToken, hasNextPage; pageSize goes out as the table's size parameter", async () => {
    const { fake, client } = await start(threePages)
    const page = await client.listEvaluationRuns({ ...ref, pageSize: 2 })
    expect(page.data.map((run) => run.id)).toEqual(["a1", "a2"])
    expect(page.nextPageToken).toBe("p2")
    expect(page.totalCount).toBe(6)
    expect(page.hasNextPage()).toBe(true)
    expect(fake.count()).toBe(1)
    expect(queryOf(fake.requests[0]!.url).get("PageSize")).toBe("2")
    const second = await page.getNextPage()
    expect(second.data.map((run) => run.id)).toEqual(["b1", "b2"])
    expect(queryOf(fake.requests[1]!.url).get("PageToken.Cursor")).toBe("p2")
    const third = await second.getNextPage()
    expect(third.hasNextPage()).toBe(false)
    await expect(third.getNextPage()).rejects.toThrow(/no next page/)
  })

  it("for await gives every item across three pages, each page fetched only when needed", async () => {
    const { fake, client } = await start(threePages)
    const ids: Array<string> = []
    for await (const run of client.listEvaluationRuns(ref)) ids.push(run.id)
    expect(ids).toEqual(["a1", "a2", "b1", "b2", "c1", "c2"])
    expect(fake.requests.map((s) => queryOf(s.url).get("PageToken.Cursor"))).toEqual([null, "p2", "p3"])

    const before = fake.count()
    for await (const run of client.listEvaluationRuns(ref)) {
      expect(run.id).toBe("a1")
      break
    }
    expect(fake.count() - before).toBe(1)
  })

  it("starts from a pageToken", async () => {
    const { fake, client } = await start(threePages)
    const page = await client.listEvaluationRuns({ ...ref, pageToken: "p3" })
    expect(page.data.map((run) => run.id)).toEqual(["c1", "c2"])
    expect(queryOf(fake.requests[0]!.url).get("PageToken.Cursor")).toBe("p3")
  })

  it("rejects the await when the first page fails (not an empty object)", async () => {
    const { client } = await start(() => problem(404, { title: "agent not found" }))
    await expect(client.listEvaluationRuns(ref)).rejects.toBeInstanceOf(FruxonError.NotFound)
  })

  it("throws from the loop when page two fails, after page one's items", async () => {
    const { client } = await start((seen) =>
      queryOf(seen.url).has("PageToken.Cursor") ? problem(403, { title: "no access to page two" }) : threePages(seen, 0)
    )
    const ids: Array<string> = []
    const loop = async () => {
      for await (const run of client.listEvaluationRuns(ref)) ids.push(run.id)
    }
    await expect(loop()).rejects.toBeInstanceOf(FruxonError.Forbidden)
    expect(ids).toEqual(["a1", "a2"])
  })

  it("the Effect API: a Stream of items and an Effect of one page, same paging", async () => {
    const { fake } = await start(threePages)
    const program = Effect.gen(function* () {
      const c = yield* FruxonClient.FruxonClient
      const all = yield* Stream.runCollect(c.listEvaluationRuns(ref))
      const page = yield* c.listEvaluationRunsPage({ ...ref, pageToken: "p2", pageSize: 2 })
      return { all: Chunk.toReadonlyArray(all).map((run) => run.id), page }
    })
    const { all, page } = await Effect.runPromise(program.pipe(Effect.provide(FruxonClient.layerFetch({ baseUrl: fake.url }))))
    expect(all).toEqual(["a1", "a2", "b1", "b2", "c1", "c2"])
    expect(page.items.map((run) => run.id)).toEqual(["b1", "b2"])
    expect(page.nextPageToken).toBe("p3")
  })
})

describe("withResponse", () => {
  it("gives the data and the HTTP response (status, headers, a readable body)", async () => {
    const { client } = await start(() => json(200, runJson("RUNNING"), { "x-request-id": "req-42", etag: '"v7"' }))
    const { data, response } = await client.getEvaluationRun({ ...ref, evaluationRun: RUN_ID }).withResponse()
    expect(data.id).toBe(RUN_ID)
    expect(data.status).toBe("RUNNING")
    expect(response.status).toBe(200)
    expect(response.headers.get("x-request-id")).toBe("req-42")
    expect(response.headers.get("etag")).toBe('"v7"')
    expect(((await response.json()) as { id: string }).id).toBe(RUN_ID)

    const raw = await client.getEvaluationRun({ ...ref, evaluationRun: RUN_ID }).asResponse()
    expect(raw.headers.get("x-request-id")).toBe("req-42")
    const page = await client.listEvaluationRuns(ref).withResponse()
    expect(page.response.status).toBe(200)
  })

  it("on a list: the first page's response; the await still gives the page", async () => {
    const { client } = await start(threePages)
    const { data, response } = await client.listEvaluationRuns(ref).withResponse()
    expect(data.data).toHaveLength(2)
    expect(response.headers.get("x-request-id")).toBe("req-a")
  })
})

describe("errors", () => {
  it("a Fruxon {message, details} body becomes the typed error, with status, request id and details (Promise API)", async () => {
    const { client } = await start(() =>
      json(404, { message: "Agent support_bot not found", details: ["tenant demo has no such agent"] }, { "x-request-id": "req-9" })
    )
    const error = await client.getAgent(ref).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(FruxonError.FruxonError)
    expect(error).toBeInstanceOf(FruxonError.NotFound)
    const notFound = error as FruxonError.NotFound
    expect(notFound._tag).toBe("NotFound")
    expect(notFound.status).toBe(404)
    expect(notFound.requestId).toBe("req-9")
    expect(notFound.problem.title).toBe("Agent support_bot not found")
    expect(notFound.problem.details).toEqual(["tenant demo has no such agent"])
    expect(notFound.message).toContain("Agent support_bot not found")
    expect(notFound.message).toContain("req-9")
  })

  it("the same body becomes the same typed error through the Effect API", async () => {
    const { fake } = await start(() => json(400, { message: "PageSize too large", details: "at most 1000" }))
    const error = await Effect.runPromise(
      Effect.flatMap(FruxonClient.FruxonClient, (c) => c.getAgent(ref)).pipe(
        Effect.flip,
        Effect.provide(FruxonClient.layerFetch({ baseUrl: fake.url }))
      )
    )
    expect(error._tag).toBe("InvalidRequest")
    expect(error).toBeInstanceOf(FruxonError.FruxonError)
    if (error._tag !== "InvalidRequest") throw new Error("unreachable")
    expect(error.problem?.title).toBe("PageSize too large")
    expect(error.problem?.detail).toBe("at most 1000")
  })

  it("carries the Retry-After that applied, in milliseconds, and onRetry speaks milliseconds", async () => {
    const delays: Array<number> = []
    const { fake, client } = await start(() => json(429, { message: "slow down" }, { "retry-after-ms": "15" }), {
      onRetry: (notice) => delays.push(notice.delayMs)
    })
    const error = (await client.getAgent(ref).catch((e: unknown) => e)) as FruxonError.RateLimited
    expect(error._tag).toBe("RateLimited")
    expect(error.retryAfter).toBe(15)
    expect(fake.count()).toBe(3)
    expect(delays.length).toBe(2)
    for (const delay of delays) expect(typeof delay).toBe("number")
  })

  it("never shows the token: not in message, toString, JSON, cause or inspect, for every kind of failure", async () => {
    const echo = { message: "bad", details: "you sent something odd" }
    const { fake, client } = await start((seen) => {
      if (seen.url.includes("agents/a500")) return json(500, echo)
      if (seen.url.includes("agents/stall")) return { kind: "stall" }
      if (seen.url.includes("agents/junk")) return json(200, { id: 7 })
      return { kind: "reset" }
    })
    const failures = await Promise.all(
      ["a500", "stall", "junk", "reset"].map((agent) =>
        client.getAgent({ tenant: "demo", agent }, { timeout: 200, maxRetries: 0 }).catch((e: unknown) => e)
      )
    )
    expect(failures.map((e) => (e as FruxonError.FruxonError)._tag)).toEqual([
      "ServerError",
      "RequestTimeout",
      "ResponseDecodeError",
      "TransportError"
    ])
    for (const error of failures) {
      expect(error).toBeInstanceOf(FruxonError.FruxonError)
      const e = error as Error
      for (const text of [e.message, String(e), JSON.stringify(e), inspect(e, { depth: 10 }), inspect(e.cause, { depth: 10 }), e.stack ?? ""]) {
        expect(text).not.toContain(TOKEN)
      }
    }
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`)
  })
})

describe("per-call options", () => {
  it("headers, maxRetries and timeout apply to one call only", async () => {
    let failing = true
    const { fake, client } = await start((seen) =>
      failing && seen.url.endsWith("/agents/support_bot") ? problem(503) : json(200, { id: "support_bot" })
    )
    await expect(client.getAgent(ref, { maxRetries: 0 })).rejects.toBeInstanceOf(FruxonError.FruxonError)
    expect(fake.count()).toBe(1)
    await expect(client.getAgent(ref)).rejects.toBeInstanceOf(FruxonError.Unavailable)
    expect(fake.count()).toBe(4)
    failing = false
    await client.getAgent(ref, { headers: { "x-trace": "t-1" } })
    expect(fake.requests.at(-1)!.headers["x-trace"]).toBe("t-1")
    await client.getAgent(ref)
    expect(fake.requests.at(-1)!.headers["x-trace"]).toBeUndefined()
  })

  it("an abort rejects with the signal's reason: TimeoutError for AbortSignal.timeout", async () => {
    const { client } = await start(() => ({ kind: "stall" }))
    const timedOut = await client.getAgent(ref, { signal: AbortSignal.timeout(50) }).catch((e: unknown) => e)
    expect((timedOut as Error).name).toBe("TimeoutError")
    const controller = new AbortController()
    const pending = client.getAgent(ref, { signal: controller.signal }).catch((e: unknown) => e)
    const reason = new Error("user left")
    setTimeout(() => controller.abort(reason), 20)
    expect(await pending).toBe(reason)
    const already = await client.getAgent(ref, { signal: AbortSignal.abort() }).catch((e: unknown) => e)
    expect((already as Error).name).toBe("AbortError")
  })
})

// The Effect API narrows each method's errors: only draft:test can fail with StaleDraft.
export const typeChecks = (c: FruxonClient.Client) => {
  // @ts-expect-error getAgent cannot fail with StaleDraft
  c.getAgent(ref).pipe(Effect.catchTag("StaleDraft", () => Effect.void))
  c.testDraft({ ...ref, revision: 1, ifMatch: 1 }).pipe(Effect.catchTag("StaleDraft", () => Effect.void))
}
