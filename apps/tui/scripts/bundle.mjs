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
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { build } from "esbuild"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))

const outdir = process.env.FRUXKIT_BUNDLE_OUTDIR ?? "dist/bin"
// Chunk names carry content hashes: without this, every build would leave the last one's chunks behind.
rmSync(new URL(`../${outdir}`, import.meta.url), { recursive: true, force: true })

const result = await build({
  absWorkingDir: packageDir,
  // The embedded backend is an entry of its own so this script can write its demo database (below); the
  // binary reaches it through connection.ts's lazy import, which lands on this same chunk.
  entryPoints: { main: "src/main.tsx", "embedded-backend": "../../packages/local/src/index.ts" },
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
  logLevel: "warning",
  // FRUXKIT_BUNDLE_METAFILE=meta.json: what each chunk holds (esbuild's analyzer reads it), to keep a command's chunks lean.
  metafile: process.env.FRUXKIT_BUNDLE_METAFILE !== undefined
})
if (process.env.FRUXKIT_BUNDLE_METAFILE) writeFileSync(process.env.FRUXKIT_BUNDLE_METAFILE, JSON.stringify(result.metafile))

// A new embedded data dir starts as a copy of this database (connection.ts): the demo seed, run once here by
// the backend just bundled, instead of at every first start (migrating and seeding were most of it).
const bundleDir = resolve(packageDir, outdir)
const { writeDemoDatabase } = await import(pathToFileURL(join(bundleDir, "embedded-backend.js")).href)
await writeDemoDatabase(join(bundleDir, "demo-data.sqlite"))
