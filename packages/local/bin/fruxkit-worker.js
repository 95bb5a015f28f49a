#!/usr/bin/env node
// The `fruxkit-worker` bin. Committed, so `pnpm install` links it before
// anything is built; the program is dist/worker-main.js from `pnpm build`.
import("../dist/worker-main.js").catch((error) => {
  if (error && error.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/worker-main.js")) {
    process.stderr.write("fruxkit-worker is not built yet: run `pnpm build` at the repository root\n")
    process.exitCode = 1
    return
  }
  throw error
})
