/**
 * The examples in `examples/` run as a user would run them, against a real
 * fruxkit gateway on the embedded backend (demo data): what each returns is
 * what its comments promise.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { main as effectExample } from "../examples/effect.js"
import { main as loop } from "../examples/evaluation-loop.js"
// @ts-expect-error a plain-JavaScript example (no declaration file)
import { main as quickstart } from "../examples/quickstart.mjs"
import { startGateway, type RunningGateway } from "./Gateway.js"

let gateway: RunningGateway
beforeAll(async () => {
  gateway = await startGateway()
}, 90_000)
afterAll(async () => {
  await gateway?.close()
})

describe("examples against the embedded backend", () => {
  it("quickstart.mjs: an agent, a first page, every run, a NotFound caught", async () => {
    const result = (await quickstart(gateway.url)) as { agent: string; runs: number }
    expect(result.agent).toBe("support_bot")
    expect(result.runs).toBeGreaterThanOrEqual(0)
  }, 60_000)

  it("evaluation-loop.ts: test, curate (once), evaluate while watching, read every sample", async () => {
    const first = await loop(gateway.url)
    expect(first.status).toBe("COMPLETED")
    expect(first.samples).toBeGreaterThan(0)
    expect(first.created).toBe(1)
  }, 90_000)

  it("effect.ts: progress as a Stream, samples counted, NotFound caught by tag", async () => {
    const result = await effectExample(gateway.url)
    expect(result.steps).toBeGreaterThanOrEqual(1)
    expect(result.samples).toBeGreaterThan(0)
    expect(result.missing).toBe("not found (404)")
  }, 90_000)
})
