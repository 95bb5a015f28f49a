/**
 * The data dir holds every tenant's prompts, answers and traces: it is
 * private to the user running the backend. The directory is 0700 and the
 * SQLite database file 0600 — SQLite creates its -wal and -shm files with
 * the database file's permissions, so those follow. A data dir or file
 * found readable by others (made by an older version, or by hand) is fixed,
 * with a warning that says what was changed.
 */
import * as fs from "node:fs"
import * as path from "node:path"

export type Warn = (message: string) => void

const defaultWarn: Warn = (message) => console.warn(`[fruxkit-local] ${message}`)

const openToOthers = (mode: number): boolean => (mode & 0o077) !== 0

/**
 * Create the data dir 0700, or make an existing one 0700 — but never a
 * shared directory: one with the sticky bit (`/tmp`, given as the data dir
 * by mistake or by a script) or one another user owns keeps its mode (making
 * `/tmp` 0700 breaks every other program on the machine), with a warning;
 * the database files in it are still 0600.
 */
export const securePrivateDir = (dataDir: string, warn: Warn = defaultWarn): void => {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const stat = fs.statSync(dataDir)
  const mode = stat.mode & 0o777
  const shared = (stat.mode & 0o1000) !== 0 || (process.getuid !== undefined && stat.uid !== process.getuid())
  if (openToOthers(mode) && shared) {
    warn(`the data dir ${dataDir} is a shared directory (mode ${(stat.mode & 0o7777).toString(8)}): its mode is left as is and only the database files are made private; use a directory of its own`)
  } else if (openToOthers(mode)) {
    fs.chmodSync(dataDir, 0o700)
    warn(`the data dir ${dataDir} was readable by other users (mode ${mode.toString(8)}); it is now 0700`)
  }
}

/**
 * Make these files (those that exist) 0600; `create` ones that do not exist
 * are created empty with 0600 first, so the process that creates them (SQLite) keeps that mode.
 */
export const securePrivateFiles = (dataDir: string, names: ReadonlyArray<string>, create: ReadonlyArray<string> = [], warn: Warn = defaultWarn): void => {
  for (const name of create) {
    const file = path.join(dataDir, name)
    try {
      fs.closeSync(fs.openSync(file, "wx", 0o600))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
    }
  }
  for (const name of names) {
    const file = path.join(dataDir, name)
    let mode: number
    try {
      mode = fs.statSync(file).mode & 0o777
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue
      throw error
    }
    if (openToOthers(mode)) {
      fs.chmodSync(file, 0o600)
      warn(`${name} was readable by other users (mode ${mode.toString(8)}); it is now 0600`)
    }
  }
}
