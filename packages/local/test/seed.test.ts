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

describe("an interrupted demo seed", () => {
  it("is completed by the next start, without duplicates", async () => {
    const fs = await import("node:fs")
    const path = await import("node:path")
    const dataDir = tempDir()
    const first = await createLocalBackend({ dataDir, seed: "demo" })
    // Simulate a crash after part of the seed: drop some of it and leave the marker behind.
    const golden = (await call(first, "GET", `${AGENT_PATH}/datasets`)).json[0].id
    const samples = (await call(first, "GET", `${AGENT_PATH}/datasets/${golden}/samples?PageSize=4`)).json.items
    for (const sample of samples) await call(first, "DELETE", `${AGENT_PATH}/executionRecords/${sample.executionId}/samples`)
    await first.close()
    expect((await countRows(dataDir)).samples).toBe(6)
    fs.writeFileSync(path.join(dataDir, "demo-seed.pending"), "")

    const second = await createLocalBackend({ dataDir, seed: "demo" })
    await second.close()
    const rows = await countRows(dataDir)
    expect(rows).toMatchObject({ tenants: 1, agents: 1, revisions: 2, drafts: 1, datasets: 1, samples: 10 })
    expect(fs.existsSync(path.join(dataDir, "demo-seed.pending"))).toBe(false)
  })
})
