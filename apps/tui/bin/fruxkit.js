#!/usr/bin/env node
// The `fruxkit` bin. Committed, so `pnpm install` links it before anything is
// built; the program is the bundle `pnpm build` writes to dist/bin/.
import("../dist/bin/main.js").catch((error) => {
  if (error && error.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/bin/main.js")) {
    process.stderr.write("fruxkit is not built yet: run `pnpm build` at the repository root\n")
    process.exitCode = 1
    return
  }
  throw error
})
