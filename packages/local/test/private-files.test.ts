/** World-readable data (issue 22, finding 6): the data dir is 0700 and the database files 0600, also when found open. */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { DATABASE_FILE } from "../src/store/SqliteDatabase.js"
import { AGENT_PATH, call, tempDir, withBackend } from "./support.js"

const modeOf = (file: string): string => (fs.statSync(file).mode & 0o777).toString(8)

describe("private files", () => {
  it("a new data dir is 0700 and the SQLite file, WAL, SHM and key are 0600", async () => {
    const dataDir = path.join(tempDir(), "data")
    const { backend } = await withBackend({ dataDir })
    expect((await call(backend, "POST", `${AGENT_PATH}:evaluate`, { body: { candidateRevision: 2 } })).status).toBe(200)
    const files = fs.readdirSync(dataDir)
    expect(files).toEqual(expect.arrayContaining([DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, "secret.key"]))
    expect(modeOf(dataDir)).toBe("700")
    for (const file of [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, "secret.key"]) {
      expect([file, modeOf(path.join(dataDir, file))]).toEqual([file, "600"])
    }
    await backend.close()
  })

  it("an existing data dir readable by others is fixed, with a warning, and its data kept", async () => {
    const dataDir = path.join(tempDir(), "data")
    const first = await withBackend({ dataDir })
    await first.backend.close()
    fs.chmodSync(dataDir, 0o755)
    for (const file of fs.readdirSync(dataDir)) fs.chmodSync(path.join(dataDir, file), 0o644)
    const warnings: Array<string> = []
    const { backend } = await withBackend({ dataDir, warn: (message) => warnings.push(message) })
    expect(modeOf(dataDir)).toBe("700")
    expect(modeOf(path.join(dataDir, DATABASE_FILE))).toBe("600")
    expect(warnings.some((w) => w.includes("now 0700"))).toBe(true)
    expect(warnings.some((w) => w.startsWith(DATABASE_FILE) && w.includes("now 0600"))).toBe(true)
    expect((await call(backend, "GET", `${AGENT_PATH}/datasets`)).json.length).toBeGreaterThan(0)
    await backend.close()
  })

  it("a shared directory (sticky bit, like /tmp) given as the data dir keeps its mode; its database files are still 0600", async () => {
    const dataDir = path.join(tempDir(), "shared")
    fs.mkdirSync(dataDir)
    fs.chmodSync(dataDir, 0o1777)
    const warnings: Array<string> = []
    const { backend } = await withBackend({ dataDir, warn: (message) => warnings.push(message) })
    expect((fs.statSync(dataDir).mode & 0o7777).toString(8)).toBe("1777")
    expect(modeOf(path.join(dataDir, DATABASE_FILE))).toBe("600")
    expect(warnings.some((w) => w.includes("shared directory"))).toBe(true)
    await backend.close()
  })
})
