/**
 * Watching a run by each transport against a real loopback server, with the
 * requests counted: the gateway's event stream (a dropped connection resumed
 * with Last-Event-ID), its long-poll, and polling for a server with neither.
 */
import { afterEach, describe, expect, it } from "vitest"
import { createFruxonClient, FruxonError, type PromiseClient } from "../src/promise.js"
import { json, problem, RUN_ID, runJson, startFakeFruxon, type FakeFruxon, type RecordedRequest, type Script } from "@fruxkit/testkit"

const ref = { tenant: "demo", agent: "support_bot", evaluationRun: RUN_ID }
const runPath = `/v1/tenants/demo/agents/support_bot/evaluationRuns/${RUN_ID}`
const eventsPath = `${runPath}/events`

let server: FakeFruxon | undefined
let client: PromiseClient | undefined
afterEach(async () => {
  await client?.close()
  await server?.close()
  client = undefined
  server = undefined
})

const start = async (script: Script) => {
  server = await startFakeFruxon({ script })
  client = createFruxonClient({ baseUrl: server.url, retry: { baseDelay: 5, maxDelay: 20 } })
  return { fake: server, client }
}

const run = (status: string, completed: number) =>
  runJson(status, { progress: { totalSamples: 3, completedSamples: completed, failedSamples: 0 }, modifiedAt: completed })
const pathOf = (seen: RecordedRequest) => seen.url.split("?")[0]
const watched = async (iterable: AsyncIterable<{ status: string }>) => {
  const statuses: Array<string> = []
  for await (const snapshot of iterable) statuses.push(snapshot.status)
  return statuses
}

describe("watchEvaluationRun by the gateway's event stream", () => {
  it("resumes a dropped stream with Last-Event-ID: two requests for the whole run, no polls", async () => {
    const { fake, client } = await start((seen) => {
      if (pathOf(seen) !== eventsPath) return problem(500)
      if (seen.headers["last-event-id"] === undefined) {
        return {
          kind: "sse",
          events: [
            { event: "run", id: "v1", data: JSON.stringify(run("PENDING", 0)), retry: 20 },
            { event: "run", id: "v2", data: JSON.stringify(run("IN_PROGRESS", 1)) }
          ],
          gapMs: 10,
          then: "drop"
        }
      }
      return { kind: "sse", events: [{ event: "done", id: "v3", data: JSON.stringify(run("COMPLETED", 3)) }], then: "end" }
    })
    expect(await watched(client.watchEvaluationRun(ref))).toEqual(["PENDING", "IN_PROGRESS", "COMPLETED"])
    expect(fake.requests.map(pathOf)).toEqual([eventsPath, eventsPath])
    expect(fake.requests[0]!.headers.accept).toBe("text/event-stream")
    expect(fake.requests[1]!.headers["last-event-id"]).toBe("v2")

    // awaitEvaluationRun is the same watch: one request when the stream is not cut.
    const before = fake.count()
    fake.script = () => ({ kind: "sse", events: [{ event: "done", id: "v3", data: JSON.stringify(run("COMPLETED", 3)) }], then: "hold" })
    const finished = await client.awaitEvaluationRun(ref)
    expect(finished.status).toBe("COMPLETED")
    expect(fake.count() - before).toBe(1)
  })

  it("a stream the gateway ended as idle is resumed however often that happens (it is not a failed reconnect)", async () => {
    let idleEnds = 0
    const { fake, client } = await start((seen) => {
      if (pathOf(seen) !== eventsPath) return problem(500)
      // More idle ends in a row than the reconnects a watch allows without an event.
      if (idleEnds < 12) {
        idleEnds++
        return { kind: "sse", events: [{ event: "idle", data: JSON.stringify({ reason: "no change" }), retry: 5 }], then: "end" }
      }
      return { kind: "sse", events: [{ event: "done", id: "v3", data: JSON.stringify(run("COMPLETED", 3)) }], then: "end" }
    })
    expect(await watched(client.watchEvaluationRun(ref))).toEqual(["COMPLETED"])
    expect(fake.count(eventsPath)).toBe(13)
  })

  it("an error event becomes the typed error", async () => {
    const { client } = await start(() => ({
      kind: "sse",
      events: [{ event: "error", data: JSON.stringify({ title: "Not found", status: 404, detail: "no such run" }) }],
      then: "end"
    }))
    await expect(client.awaitEvaluationRun(ref)).rejects.toBeInstanceOf(FruxonError.NotFound)
  })
})

describe("watchEvaluationRun by the gateway's long-poll", () => {
  it("sends ?wait with If-None-Match of the last answer: one request per change, then remembers there is no event stream", async () => {
    const states = [run("PENDING", 0), run("IN_PROGRESS", 2), run("COMPLETED", 3)]
    const etags: Array<string | undefined> = []
    const { fake, client } = await start((seen) => {
      if (pathOf(seen) === eventsPath) return problem(404, { title: "no such route" })
      const etag = seen.headers["if-none-match"] as string | undefined
      etags.push(etag)
      const index = etag === undefined ? 0 : Number(etag.replaceAll('"', "")) + 1
      const state = states[Math.min(index, states.length - 1)]!
      return json(200, state, { etag: `"${index}"`, "fruxkit-wait": state.status === "COMPLETED" ? "finished" : "changed" })
    })
    expect(await watched(client.watchEvaluationRun(ref))).toEqual(["PENDING", "IN_PROGRESS", "COMPLETED"])
    expect(fake.count(eventsPath)).toBe(1)
    expect(fake.count(runPath)).toBe(3)
    expect(fake.requests.filter((s) => pathOf(s) === runPath).every((s) => s.url.includes("wait=25s"))).toBe(true)
    expect(etags).toEqual([undefined, '"0"', '"1"'])

    // The same client's next watch skips the event stream it found missing.
    etags.length = 0
    await client.awaitEvaluationRun(ref)
    expect(fake.count(eventsPath)).toBe(1)
    expect(fake.count(runPath)).toBe(6)
  })
})

describe("watchEvaluationRun by polling (a server with neither, like the Fruxon API)", () => {
  it("falls back to the schedule; the long-poll probe counts as the first poll; the next watch goes straight to polling", async () => {
    let gets = 0
    const { fake, client } = await start((seen) => {
      if (pathOf(seen) === eventsPath) return problem(404)
      gets++
      return json(200, gets < 3 ? run("IN_PROGRESS", gets) : run("COMPLETED", 3))
    })
    const statuses = await watched(client.watchEvaluationRun(ref, { initialDelay: 10, maxDelay: 20 }))
    expect(statuses).toEqual(["IN_PROGRESS", "IN_PROGRESS", "COMPLETED"])
    expect(fake.count(eventsPath)).toBe(1)
    expect(fake.count(runPath)).toBe(3)
    expect(fake.requests.filter((s) => s.url.includes("wait=")).length).toBe(1)

    gets = 2
    const again = await client.awaitEvaluationRun(ref, { initialDelay: 10, maxDelay: 20 })
    expect(again.status).toBe("COMPLETED")
    expect(fake.count(eventsPath)).toBe(1)
    expect(fake.count(runPath)).toBe(4)
    expect(fake.requests.at(-1)!.url.includes("wait=")).toBe(false)
  })
})
