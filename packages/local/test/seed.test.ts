import { describe, expect, it } from "vitest"
import { createLocalBackend } from "../src/index.js"
import { AGENT_PATH, call, countRows, tempDir } from "./support.js"

describe("demo seed", () => {
  it("seeds a new data dir once, and never again on restart", async () => {
    const dataDir = tempDir()
    const first = await createLocalBackend({ dataDir, seed: "demo" })
    const revisions = await call(first, "GET", `${AGENT_PATH}/revisions`)
    expect(revisions.json.map((r: any) => [r.agentRevision, r.deployed])).toEqual([
      [2, false],
      [1, true]
    ])
    const draft = await call(first, "GET", `${AGENT_PATH}/revisions/2/draft`)
    expect(draft.json.version).toBe(1)
    const datasets = await call(first, "GET", `${AGENT_PATH}/datasets`)
    expect(datasets.json.map((d: any) => [d.name, d.sampleCount])).toEqual([["golden", 10]])
    await first.close()
    const seeded = await countRows(dataDir)
    expect(seeded).toMatchObject({ tenants: 1, agents: 1, revisions: 2, drafts: 1, datasets: 1, samples: 10, execution_records: 12 })

    const again = await createLocalBackend({ dataDir, seed: "demo" })
    await again.close()
    expect(await countRows(dataDir)).toEqual(seeded)
  })

  it("seeds nothing with seed none: the demo tenant does not exist", async () => {
    const backend = await createLocalBackend({ dataDir: tempDir() })
    try {
      const answer = await call(backend, "GET", AGENT_PATH)
      expect(answer.status).toBe(404)
      expect(answer.json.title).toBe("Tenant not found")
    } finally {
      await backend.close()
    }
  })

  it("refuses options it cannot honour", async () => {
    await expect(createLocalBackend({ dataDir: tempDir(), judge: "llm" })).rejects.toThrow('judge "llm" needs the `llm` option')
    await expect(createLocalBackend({ dataDir: tempDir(), evaluation: { concurrency: 0 } })).rejects.toThrow("evaluation.concurrency")
  })
})
