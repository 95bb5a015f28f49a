/**
 * The `fruxkit` binary as one esbuild bundle (dist/bin/), split at the lazy
 * imports so a command never loads Ink/React and the UI never loads the
 * command runner. One file per concern instead of hundreds of Effect modules
 * is most of the start-time gain (see bench/start-time.ts and the README).
 *
 * Workspace packages are bundled from their sources (the "development"
 * condition); native or optional modules stay outside and resolve from
 * node_modules at run time.
 */
import { readFileSync, rmSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))

const outdir = process.env.FRUXKIT_BUNDLE_OUTDIR ?? "dist/bin"
// Chunk names carry content hashes: without this, every build would leave the last one's chunks behind.
rmSync(new URL(`../${outdir}`, import.meta.url), { recursive: true, force: true })

await build({
  absWorkingDir: packageDir,
  entryPoints: { main: "src/main.tsx" },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minify: process.env.FRUXKIT_BUNDLE_MINIFY !== "0",
  sourcemap: "linked",
  conditions: ["development"],
  // better-sqlite3 is native; pg-native and react-devtools-core are optional imports nobody installs.
  external: ["better-sqlite3", "pg-native", "react-devtools-core"],
  define: { __FRUXKIT_VERSION__: JSON.stringify(version) },
  // Bundled CommonJS (undici's helpers, pg) still calls require for Node's own modules.
  banner: { js: "import { createRequire as __fruxkitRequire } from 'node:module'; const require = __fruxkitRequire(import.meta.url);" },
  logLevel: "warning"
})
