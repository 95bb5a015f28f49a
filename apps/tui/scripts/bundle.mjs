/**
 * The `fruxkit` binary, bundled by esbuild into dist/bin/:
 *
 * - `main.cjs`: the entry bin/fruxkit.js requires. It dispatches and imports
 *   nothing else up front; CommonJS, so a command never starts Node's ES
 *   module loader;
 * - `interactive-main.js` and its ES module chunks: the terminal UI
 *   (Ink/React) and, as an entry of its own, the embedded backend the UI opens;
 * - `commands.cjs`: every scriptable command in one CommonJS script, run
 *   through V8's code cache `commands.cjs.cache` (src/commands-script.ts),
 *   which this script writes by running a few commands on a scratch data dir;
 * - `demo-data.sqlite`: the demo database a new embedded data dir starts as
 *   (`writeDemoDatabase` from @fruxkit/local: the demo seed, run once here).
 *
 * Workspace packages are bundled from their sources (the "development"
 * condition); native or optional modules stay outside and resolve from
 * node_modules at run time. See bench/start-time.ts and the README's
 * "Start time" for what each part saves.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { createRequire } from "node:module"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { build } from "esbuild"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))

const outdir = process.env.FRUXKIT_BUNDLE_OUTDIR ?? "dist/bin"
// Chunk names carry content hashes: without this, every build would leave the last one's chunks behind.
rmSync(new URL(`../${outdir}`, import.meta.url), { recursive: true, force: true })

const common = {
  absWorkingDir: packageDir,
  outdir,
  bundle: true,
  platform: "node",
  target: "node20",
  minify: process.env.FRUXKIT_BUNDLE_MINIFY !== "0",
  sourcemap: "linked",
  conditions: ["development"],
  // better-sqlite3 is native; pg-native and react-devtools-core are optional imports nobody installs.
  external: ["better-sqlite3", "pg-native", "react-devtools-core"],
  logLevel: "warning",
  // FRUXKIT_BUNDLE_METAFILE=meta.json: what each output holds (esbuild's analyzer reads it), to keep a command's load lean.
  metafile: process.env.FRUXKIT_BUNDLE_METAFILE !== undefined
}
/**
 * commander requires child_process at its top, for executable subcommands fruxkit does not have; loading it
 * (with net, dgram and their bindings) was ~3 ms of every command's start. Here commander gets a stand-in that
 * loads the real module on first use of `spawn`, the one function it calls.
 */
const lazyChildProcessForCommander = {
  name: "lazy-child-process-for-commander",
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: "child_process", namespace: "lazy-child-process" } : undefined
    )
    build.onLoad({ filter: /.*/, namespace: "lazy-child-process" }, () => ({
      contents: 'module.exports = { get spawn() { return require("node:child_process").spawn } }',
      loader: "js"
    }))
  }
}

/**
 * better-sqlite3's JavaScript goes into the commands script (compiled through its code cache, no module
 * resolution at run time: ~6 ms of a command's start); only its native addon is loaded from node_modules.
 * better-sqlite3 finds the addon through `bindings`, which searches a dozen paths; the script gets a stand-in
 * that loads it from where this build found it (relative to the script), or else from the better-sqlite3
 * that resolves from the script's directory.
 */
const packageRequire = createRequire(join(packageDir, "package.json"))
const betterSqliteDir = dirname(packageRequire.resolve("better-sqlite3/package.json"))
const directSqliteAddon = {
  name: "direct-sqlite-addon",
  setup(build) {
    build.onResolve({ filter: /^bindings$/ }, (args) =>
      /[\\/]better-sqlite3[\\/]/.test(args.importer) ? { path: "bindings", namespace: "direct-sqlite-addon" } : undefined
    )
    build.onLoad({ filter: /.*/, namespace: "direct-sqlite-addon" }, () => {
      const built = relative(resolve(packageDir, outdir), join(betterSqliteDir, "build", "Release"))
      return {
        contents: `const path = require("node:path")
const sqlitePackage = "better-sqlite3/package.json"
module.exports = (name) => {
  try {
    return require(path.join(__dirname, ${JSON.stringify(built)}, name))
  } catch (error) {
    if (error.code !== "MODULE_NOT_FOUND") throw error
    return require(path.join(path.dirname(require.resolve(sqlitePackage)), "build", "Release", name))
  }
}`,
        loader: "js"
      }
    })
  }
}

const define = {
  __FRUXKIT_VERSION__: JSON.stringify(version),
  __FRUXKIT_COMMANDS_SCRIPT__: JSON.stringify("./commands.cjs"),
  __FRUXKIT_UI_ENTRY__: JSON.stringify("./interactive-main.js")
}

const modules = await build({
  ...common,
  // The embedded backend is an entry of its own so this script can write its demo database (below); the
  // UI reaches it through connection.ts's lazy import, which lands on this same chunk.
  entryPoints: { "interactive-main": "src/interactive-main.ts", "embedded-backend": "../../packages/local/src/index.ts" },
  splitting: true,
  format: "esm",
  define,
  // Bundled CommonJS (undici's helpers, pg) still calls require for Node's own modules.
  banner: { js: "import { createRequire as __fruxkitRequire } from 'node:module'; const require = __fruxkitRequire(import.meta.url);" }
})
// One file each, no splitting: in the commands script a module reached by a lazy import (the embedded backend,
// pg, undici) is still evaluated only when first used, and the code cache covers all of it.
const commands = await build({
  ...common,
  entryPoints: { main: "src/main.tsx", commands: "src/cli.ts" },
  format: "cjs",
  outExtension: { ".js": ".cjs" },
  // esbuild's default, stated because src/commands-script.ts reads the script as latin1 (no UTF-8 decoding).
  charset: "ascii",
  plugins: [lazyChildProcessForCommander, directSqliteAddon],
  // Bundled here (see directSqliteAddon); pg-native and react-devtools-core stay outside as above.
  external: common.external.filter((name) => name !== "better-sqlite3"),
  define: { ...define, "import.meta.url": "__fruxkitImportMetaUrl" },
  banner: { js: 'const __fruxkitImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' }
})
if (process.env.FRUXKIT_BUNDLE_METAFILE) {
  const merged = { inputs: { ...modules.metafile.inputs, ...commands.metafile.inputs }, outputs: { ...modules.metafile.outputs, ...commands.metafile.outputs } }
  writeFileSync(process.env.FRUXKIT_BUNDLE_METAFILE, JSON.stringify(merged))
}

// A new embedded data dir starts as a copy of this database (connection.ts): the demo seed, run once here by
// the backend just bundled, instead of at every first start (migrating and seeding were most of it).
const bundleDir = resolve(packageDir, outdir)
const { writeDemoDatabase } = await import(pathToFileURL(join(bundleDir, "embedded-backend.js")).href)
await writeDemoDatabase(join(bundleDir, "demo-data.sqlite"))

// The commands' code cache: each run adds what it compiled to the cache the previous one left. The commands
// are those a CI job and a person run most: listing, an evaluation waited for, reading its run.
const WARM_UP = [
  ["runs", "--agent", "support_bot", "--json"],
  ["eval", "--agent", "support_bot", "--candidate-revision", "2", "--wait", "--json"],
  ["agents", "--json"],
  ["datasets", "--agent", "support_bot", "--json"],
  ["runs", "--agent", "support_bot", "--json"]
]
const scratch = mkdtempSync(join(tmpdir(), "fruxkit-warm-up-"))
try {
  for (const args of WARM_UP) {
    const run = spawnSync(process.execPath, [join(bundleDir, "main.cjs"), ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", FRUXKIT_DATA_DIR: scratch, FRUXKIT_WRITE_CODE_CACHE: "1" },
      encoding: "utf8"
    })
    if (run.status !== 0) throw new Error(`warm-up \`fruxkit ${args.join(" ")}\` exited ${run.status}: ${run.stderr}`)
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
