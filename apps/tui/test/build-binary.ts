/**
 * vitest global setup: bundle the binary once (esbuild, about a second), so
 * every child-process test runs what users run — bin/fruxkit.js and the
 * bundle it loads — instead of compiling the sources in each process.
 */
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"

export default function setup(): void {
  execFileSync(process.execPath, ["scripts/bundle.mjs"], { cwd: fileURLToPath(new URL("..", import.meta.url)), stdio: "inherit" })
}
