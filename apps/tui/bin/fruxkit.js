#!/usr/bin/env node
// The `fruxkit` bin. Committed, so `pnpm install` links it before anything is
// built; the program is the bundle `pnpm build` writes to dist/bin/.
// CommonJS (bin/package.json), as is dist/bin/main.cjs: a command starts
// without Node's ES module loader, which only the terminal UI needs.
try {
  require("../dist/bin/main.cjs")
} catch (error) {
  if (error && error.code === "MODULE_NOT_FOUND" && String(error.message).includes("dist/bin/main.cjs")) {
    process.stderr.write("fruxkit is not built yet: run `pnpm build` at the repository root\n")
    process.exitCode = 1
  } else {
    throw error
  }
}
