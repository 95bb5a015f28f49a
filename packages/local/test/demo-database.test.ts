/**
 * The prebuilt demo database (`writeDemoDatabase`, copied into a new data dir
 * through `demoDatabase`) holds what a live demo seed holds: the same agent,
 * revisions, draft, golden samples and executions — outputs and traces as the
 * offline agent produces them — differing only in ids and times.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { createLocalBackend, writeDemoDatabase, type LocalBackend } from "../src/index.js"
import { AGENT_PATH, call, countRows, tempDir } from "./support.js"

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const TIME_KEY = /(At|Time|Date|duration|runtime|Runtime|Ms)$/

/** Ids and times out, everything else kept: what the seed and the agent decided. */
const normalise = (value: unknown, key = ""): unknown => {
  if (Array.isArray(value)) return value.map((item) => normalise(item))
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, k)]))
  }
  if (typeof value === "string" && UUID.test(value)) return "<id>"
  if (TIME_KEY.test(key) && (typeof value === "number" || typeof value === "string")) return "<time>"
  return value
}

/** Everything the demo seed writes, as the API answers it, newest-first lists sorted by content so order ties do not matter. */
const demoContent = async (backend: LocalBackend) => {
  const get = async (url: string) => {
    const answer = await call(backend, "GET", url)
    expect(answer.status, url).toBe(200)
    return answer.json
  }
  const datasets = await get(`${AGENT_PATH}/datasets`)
  const samples = (await get(`${AGENT_PATH}/datasets/${datasets[0].id}/samples?PageSize=100`)).items
  const executions = (await get(`${AGENT_PATH}/executionRecords?PageSize=100`)).items
  const traces = await Promise.all(executions.map((e: { id: string }) => get(`${AGENT_PATH}/executionRecords/${e.id}:trace`)))
  const byContent = (items: ReadonlyArray<unknown>) => items.map((item) => JSON.stringify(normalise(item))).sort()
  return {
    agent: normalise(await get(AGENT_PATH)),
    revisions: normalise(await get(`${AGENT_PATH}/revisions`)),
    draft: normalise(await get(`${AGENT_PATH}/revisions/2/draft`)),
    datasets: normalise(datasets),
    samples: byContent(samples),
    executions: byContent(executions),
    traces: byContent(traces)
  }
}

describe("the prebuilt demo database", () => {
  it("gives a new data dir the live seed's records (ids and times aside), by copying; without the file it seeds as before", async () => {
    const template = path.join(tempDir(), "demo.sqlite")
    await writeDemoDatabase(template)

    const copiedDir = tempDir()
    const copied = await createLocalBackend({ dataDir: copiedDir, seed: "demo", demoDatabase: template, workers: false })
    const live = await createLocalBackend({ dataDir: tempDir(), seed: "demo", workers: false })
    const missingDir = tempDir()
    const missing = await createLocalBackend({ dataDir: missingDir, seed: "demo", demoDatabase: path.join(missingDir, "no-such.sqlite"), workers: false })
    try {
      const fromCopy = await demoContent(copied)
      expect(fromCopy.samples).toHaveLength(10)
      expect(fromCopy.executions).toHaveLength(12)
      expect(fromCopy).toEqual(await demoContent(live))
      expect(await demoContent(missing)).toEqual(fromCopy)
      // Copied, not seeded: the records carry the ids the build wrote, and the live seed's are its own.
      const datasetId = async (backend: LocalBackend) => (await call(backend, "GET", `${AGENT_PATH}/datasets`)).json[0].id
      const built = await createLocalBackend({ dataDir: tempDir(), seed: "demo", demoDatabase: template, workers: false })
      try {
        expect(await datasetId(built)).toBe(await datasetId(copied))
        expect(await datasetId(live)).not.toBe(await datasetId(copied))
      } finally {
        await built.close()
      }
    } finally {
      await Promise.all([copied.close(), live.close(), missing.close()])
    }
    expect(fs.statSync(path.join(copiedDir, "fruxkit-local.sqlite")).mode & 0o777).toBe(0o600)
    expect(fs.readdirSync(copiedDir).filter((name) => name.endsWith(".copy") || name === "demo-seed.pending")).toEqual([])

    // A data dir that has a database keeps it: the copy never replaces one.
    const rows = await countRows(copiedDir)
    const again = await createLocalBackend({ dataDir: copiedDir, seed: "demo", demoDatabase: template, workers: false })
    expect((await call(again, "POST", `${AGENT_PATH}/datasets`, { body: { name: "kept" } })).status).toBe(201)
    await again.close()
    const reopened = await createLocalBackend({ dataDir: copiedDir, seed: "demo", demoDatabase: template, workers: false })
    await reopened.close()
    expect(await countRows(copiedDir)).toEqual({ ...rows, datasets: rows.datasets! + 1 })
  })
})
