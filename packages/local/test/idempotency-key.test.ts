/**
 * The backend honours `Idempotency-Key` itself (issue 21), on SQLite and
 * PostgreSQL: a repeat replays the first answer and creates nothing, the
 * same key with another request is a 409 that creates nothing, and of
 * concurrent creates under one key — on one backend, or on two backends
 * sharing one PostgreSQL database — exactly one commits (the key is stored
 * in the create's own transaction).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { LocalBackend } from "../src/index.js"
import { AGENT_PATH, DATABASES, call, countRows, withBackend } from "./support.js"

const keyed = (key: string) => ({ "idempotency-key": key })

describe.each(DATABASES)("Idempotency-Key in the backend ($name)", (database) => {
  let backend: LocalBackend
  let second: LocalBackend | undefined
  let dataDir: string
  let databaseUrl: string | undefined
  let record: string
  let golden: string

  beforeAll(async () => {
    ;({ backend, dataDir, databaseUrl } = await withBackend({ ...(await database.options()), workers: false }))
    if (databaseUrl !== undefined) second = (await withBackend({ databaseUrl, workers: false })).backend
    golden = (await call(backend, "GET", `${AGENT_PATH}/datasets`)).json.find((d: any) => d.name === "golden").id
    record = (await call(backend, "GET", `${AGENT_PATH}/executionRecords?PageSize=1`)).json.items[0].id
  }, 60_000)
  afterAll(async () => {
    await second?.close()
    await backend.close()
  })

  const rows = () => countRows(dataDir, databaseUrl)

  it("replays each creating call's first answer for a repeat, creating nothing more", async () => {
    const creates: Array<[string, string, unknown, Record<string, string>?]> = [
      ["addToDatasets", `${AGENT_PATH}/executionRecords/${record}:addToDatasets`, { datasetIds: [golden], tags: ["k"] }],
      [":evaluate", `${AGENT_PATH}:evaluate`, { candidateRevision: 2 }],
      ["createDataset", `${AGENT_PATH}/datasets`, { name: `keyed-${database.name}` }],
      [
        "createRevision",
        `${AGENT_PATH}/revisions`,
        { flow: { steps: [{ type: "http", id: "lookup", url: "http://127.0.0.1:9/tool", method: "POST", body: { password: "pw-SECRET-keyed" } }] } }
      ],
      ["draft:test", `${AGENT_PATH}/revisions/2/draft:test`, { parameters: { message: "hello" } }, { "if-match": '"1"' }]
    ]
    for (const [name, path, body, headers] of creates) {
      const first = await call(backend, "POST", path, { body, headers: { ...headers, ...keyed(`replay-${name}`) } })
      expect(first.status, `${name}: ${first.text}`).toBeLessThan(300)
      expect(first.headers.get("idempotent-replayed")).toBeNull()
      const before = await rows()
      const again = await call(backend, "POST", path, { body, headers: { ...headers, ...keyed(`replay-${name}`) } })
      expect(again.status, name).toBe(first.status)
      expect(again.headers.get("idempotent-replayed"), name).toBe("true")
      expect(again.text, name).toBe(first.text)
      expect(await rows(), name).toEqual(before)
      // The replay is the answer as it was shown: a secret written into a revision stays redacted there too.
      expect(again.text, name).not.toContain("pw-SECRET-keyed")
    }
  }, 60_000)

  it("answers 409 for the same key with another request, and creates nothing", async () => {
    const path = `${AGENT_PATH}/executionRecords/${record}:addToDatasets`
    expect((await call(backend, "POST", path, { body: { datasetIds: [golden] }, headers: keyed("reused") })).status).toBe(200)
    const before = await rows()
    const reused = await call(backend, "POST", path, { body: { datasetIds: [golden], quality: "BAD" }, headers: keyed("reused") })
    expect(reused.status).toBe(409)
    expect(reused.json.type).toMatch(/idempotency-key-reused$/)
    expect(await rows()).toEqual(before)
    // Key order and whitespace do not make another request.
    const same = await call(backend, "POST", path, { raw: `{ "datasetIds" : ["${golden}"] }`, headers: keyed("reused") })
    expect(same.headers.get("idempotent-replayed")).toBe("true")
    expect((await call(backend, "POST", path, { body: {}, headers: keyed("bad key") })).status).toBe(400)
  })

  it("commits exactly one of concurrent creates under one key (on two backends when they share PostgreSQL)", async () => {
    const path = `${AGENT_PATH}/executionRecords/${record}:addToDatasets`
    const before = await rows()
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call(i % 2 === 1 && second ? second : backend, "POST", path, { body: { datasetIds: [golden], tags: ["race"] }, headers: keyed("race") })
      )
    )
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200))
    expect(new Set(answers.map((a) => a.text)).size).toBe(1)
    expect(answers.filter((a) => a.headers.get("idempotent-replayed") === null).length).toBe(1)
    const after = await rows()
    expect(after.samples).toBe(before.samples! + 1)
  }, 60_000)

  it("commits one run for concurrent :evaluate calls under one key (the key is stored in the run's own transaction)", async () => {
    const before = await rows()
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        call(i % 2 === 1 && second ? second : backend, "POST", `${AGENT_PATH}:evaluate`, { body: { candidateRevision: 2 }, headers: keyed("race-evaluate") })
      )
    )
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200))
    expect(new Set(answers.map((a) => a.json.id)).size).toBe(1)
    expect((await rows()).evaluation_runs).toBe(before.evaluation_runs! + 1)
  }, 60_000)
})
