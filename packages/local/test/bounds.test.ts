/**
 * One small request, a bounded write (issue 22, findings 3 and 4): the
 * embedded backend's extra rules — at most MAX_DATASETS_PER_CALL datasets per
 * :addToDatasets, a datasets-per-agent cap, an endpoint length limit.
 * Each refusal writes nothing.
 */
import { randomUUID } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { LocalBackend } from "../src/index.js"
import { MAX_ENDPOINT_CHARS } from "../src/routes/evaluation-handlers.js"
import { MAX_DATASETS_PER_CALL } from "../src/routes/execution-handlers.js"
import { AGENT_PATH, call, isProblem, withBackend } from "./support.js"

describe("bounds of the embedded backend", () => {
  let backend: LocalBackend
  beforeAll(async () => {
    ;({ backend } = await withBackend({ datasetCap: 4 }))
  })
  afterAll(() => backend.close())

  it(`:addToDatasets names at most ${MAX_DATASETS_PER_CALL} datasets per call; past it a 400 and nothing is added`, async () => {
    const recordId = (await call(backend, "GET", `${AGENT_PATH}/executionRecords?PageSize=1`)).json.items[0].id
    const before = (await call(backend, "GET", `${AGENT_PATH}/executionRecords/${recordId}/samples`)).json.length
    const datasetIds = Array.from({ length: MAX_DATASETS_PER_CALL + 1 }, () => randomUUID())
    const answer = await call(backend, "POST", `${AGENT_PATH}/executionRecords/${recordId}:addToDatasets`, { body: { datasetIds } })
    expect([answer.status, isProblem(answer)]).toEqual([400, true])
    expect(answer.json.errors).toEqual([{ path: "body.datasetIds", message: `must name at most ${MAX_DATASETS_PER_CALL} datasets per call` }])
    expect((await call(backend, "GET", `${AGENT_PATH}/executionRecords/${recordId}/samples`)).json.length).toBe(before)
  })

  it("an agent holds at most datasetCap datasets: past it a 422 and nothing is created", async () => {
    let existing = (await call(backend, "GET", `${AGENT_PATH}/datasets`)).json.length
    expect(existing).toBeLessThan(4)
    while (existing < 4) {
      expect((await call(backend, "POST", `${AGENT_PATH}/datasets`, { body: { name: `set-${existing}` } })).status).toBe(201)
      existing++
    }
    const refused = await call(backend, "POST", `${AGENT_PATH}/datasets`, { body: { name: "one-too-many" } })
    expect([refused.status, refused.json.type]).toEqual([422, expect.stringMatching(/\/dataset-cap-reached$/)])
    expect((await call(backend, "GET", `${AGENT_PATH}/datasets`)).json.length).toBe(4)
  })

  it(`an external endpoint longer than ${MAX_ENDPOINT_CHARS} characters is a 400, not copied into every sample`, async () => {
    const endpoint = `http://127.0.0.1:9/${"a".repeat(MAX_ENDPOINT_CHARS)}`
    const answer = await call(backend, "POST", `${AGENT_PATH}:evaluate`, { body: { candidateExternalConfig: { parameters: { endpoint } } } })
    expect(answer.status).toBe(400)
    expect(answer.text.length).toBeLessThan(1_000)
  })
})
