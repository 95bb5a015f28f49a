/**
 * The demo data as a file: `writeDemoDatabase` runs the demo seed (the
 * offline agent answering every question, exactly as at any start) into a
 * scratch data dir and keeps its database. The CLI's build writes one beside
 * the bundle and passes it as `demoDatabase`, so a command on a new data dir
 * copies a file instead of migrating and seeding — which was most of its
 * start time. The records are the seed's own (test/demo-database.test.ts
 * compares them with a live seed); their ids and times are the build's.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { createLocalBackend } from "./LocalBackend.js"
import * as SqliteDatabase from "./store/SqliteDatabase.js"

export const writeDemoDatabase = async (file: string): Promise<void> => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "fruxkit-demo-"))
  try {
    // SQLite even when FRUXKIT_DATABASE_URL is set: "" names no database server.
    const backend = await createLocalBackend({ dataDir: scratch, seed: "demo", databaseUrl: "", workers: false })
    await backend.close()
    const database = SqliteDatabase.databasePath(scratch)
    // Closing the last connection checkpoints the WAL into the file and removes it; a WAL left behind would mean the file is not whole.
    if (fs.existsSync(`${database}-wal`)) throw new Error("writeDemoDatabase: the demo database kept a WAL after closing")
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.copyFileSync(database, file)
    // Demo data only, nothing private: readable by whoever runs the binary it ships with (each copy is made 0600).
    fs.chmodSync(file, 0o644)
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true })
  }
}
