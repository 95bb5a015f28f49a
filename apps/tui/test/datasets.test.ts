/**
 * `fruxkit datasets` and `datasets create` through the real binary on the
 * embedded backend (a fresh data dir): a new dataset is listed and can be
 * curated into; a taken name is a conflict (13) and an empty one a usage
 * error (2), neither creating anything.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runBinary } from "./run-binary.js"

let dir: string
let env: Record<string, string>
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "fruxkit-datasets-"))
  env = { FRUXKIT_DATA_DIR: join(dir, "data"), CI: "true" }
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const names = async () => {
  const listed = await runBinary(["datasets", "--agent", "support_bot"], env)
  expect(listed.code).toBe(0)
  return (JSON.parse(listed.stdout) as Array<{ name: string; sampleCount: number }>).map((d) => `${d.name}:${d.sampleCount}`)
}

describe("fruxkit datasets", { timeout: 90_000 }, () => {
  it("creates an empty dataset that is then listed, refuses a taken or empty name, and changes nothing then", async () => {
    expect(await names()).toEqual(["golden:10"])

    const created = await runBinary(["datasets", "create", "--agent", "support_bot", "--name", "regressions", "--description", "samples that broke"], env)
    expect(created.code).toBe(0)
    expect(JSON.parse(created.stdout)).toMatchObject({ name: "regressions", description: "samples that broke", sampleCount: 0 })
    expect((await names()).sort()).toEqual(["golden:10", "regressions:0"])

    const taken = await runBinary(["datasets", "create", "--agent", "support_bot", "--name", "regressions"], env)
    expect(taken.code).toBe(13)
    expect(JSON.parse(taken.stderr.trim())).toMatchObject({ error: { code: "conflict", exit_code: 13 } })

    const empty = await runBinary(["datasets", "create", "--agent", "support_bot", "--name", " "], env)
    expect(empty.code).toBe(2)
    expect(empty.stdout).toBe("")
    expect((await names()).sort()).toEqual(["golden:10", "regressions:0"])

    const table = await runBinary(["datasets", "--agent", "support_bot", "-o", "table"], env)
    expect(table.stdout).toMatch(/regressions\s+[0-9a-f-]{36}\s+0 samples/)
  })
})
