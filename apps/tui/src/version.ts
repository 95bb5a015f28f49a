/**
 * `fruxkit --version`. The bundle has the version written in at build time
 * (esbuild `define`); run from source, it is read from package.json.
 */
import { readFileSync } from "node:fs"

declare const __FRUXKIT_VERSION__: string | undefined

const fromPackageJson = (): string =>
  (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version

export const FRUXKIT_VERSION: string = typeof __FRUXKIT_VERSION__ === "string" ? __FRUXKIT_VERSION__ : fromPackageJson()
