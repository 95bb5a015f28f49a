/**
 * A command on the embedded backend calls it in-process with plain objects
 * (core's InProcessApi, the backend's `handle`), not through fetch: the
 * real binary answers exactly as the same backend does over real HTTP (its
 * Hono app behind a loopback server, reached with `--url`), and never loads
 * Node's fetch (undici), which the HTTP path does — the check's control.
 */
import { once } from "node:events"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createLocalBackend, type LocalBackend } from "@fruxkit/local"
import { runProcess } from "@fruxkit/testkit"
import { BINARY_ARGS, PACKAGE_DIR } from "./run-binary.js"

const RECORD_MODULES = join(PACKAGE_DIR, "test", "loaded-modules.cjs")
/** The module Node loads for its first Request, Response, Headers or fetch. */
const NODE_FETCH = "NativeModule internal/deps/undici/undici"

let dir: string
let dataDir: string

/** `fruxkit ARGS` on the data dir; its exit code, output, and the built-in modules it loaded. */
const fruxkit = async (args: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const moduleList = join(dir, `modules-${Math.random().toString(36).slice(2)}.txt`)
  const result = await runProcess({
    args: ["-r", RECORD_MODULES, ...BINARY_ARGS, ...args],
    cwd: PACKAGE_DIR,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, FRUXKIT_DATA_DIR: dataDir, FRUXKIT_TEST_MODULE_LIST: moduleList, ...env },
    timeoutMs: 120_000,
    name: `fruxkit ${args.join(" ")}`
  })
  return { code: result.code, stdout: result.stdout, stderr: result.stderr, modules: readFileSync(moduleList, "utf8").split("\n") }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "fruxkit-in-process-"))
  dataDir = join(dir, "data")
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("the embedded backend, called in-process", { timeout: 240_000 }, () => {
  it("runs --json on a fresh data dir answers without loading Node's fetch", async () => {
    const fresh = await fruxkit(["runs", "--agent", "support_bot", "--json"])
    expect(fresh.stderr).toBe("")
    expect(fresh.code).toBe(0)
    expect(JSON.parse(fresh.stdout)).toEqual([])
    expect(fresh.modules).toContain("NativeModule vm")
    expect(fresh.modules).not.toContain(NODE_FETCH)
  })

  describe("against the same backend over HTTP", () => {
    let backend: LocalBackend
    let server: Server
    let url: string
    let runId: string

    beforeAll(async () => {
      // A run to list and read, made in-process by the binary.
      const evaluated = await fruxkit(["eval", "--agent", "support_bot", "--dataset", "golden", "--candidate-revision", "2", "--wait", "--json"])
      expect(evaluated.stderr).toBe("")
      runId = (JSON.parse(evaluated.stdout) as { run: { id: string } }).run.id
      // The same data dir served by the backend's Hono app over loopback HTTP (no workers: nothing to run).
      backend = await createLocalBackend({ dataDir, workers: false })
      server = createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (chunk: Buffer) => chunks.push(chunk))
        req.on("end", () => {
          const body = Buffer.concat(chunks)
          const headers = Object.entries(req.headers).flatMap(([name, value]) => (typeof value === "string" ? [[name, value] as [string, string]] : []))
          const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method ?? "GET", headers, ...(body.length > 0 ? { body } : {}) })
          void backend.fetch(request).then(async (response) => {
            res.writeHead(response.status, Object.fromEntries(response.headers))
            res.end(Buffer.from(await response.arrayBuffer()))
          })
        })
      })
      server.listen(0, "127.0.0.1")
      await once(server, "listening")
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    })
    afterAll(async () => {
      server?.close()
      await backend?.close()
    })

    it.each([
      [["runs", "--agent", "support_bot", "--json"]],
      [["run", "--agent", "support_bot", "RUN", "--samples", "--json"]],
      [["agents", "--json"]],
      [["datasets", "--agent", "support_bot", "--json"]],
      [["runs", "--agent", "nobody", "--json"]],
      [["run", "--agent", "support_bot", "00000000-0000-4000-8000-000000000000", "--json"]]
    ])("%j answers as over HTTP", async (template) => {
      const args = template.map((arg) => (arg === "RUN" ? runId : arg))
      const [inProcess, overHttp] = await Promise.all([fruxkit(args), fruxkit([...args, "--url", url])])
      expect(inProcess.code).toBe(overHttp.code)
      expect(inProcess.stdout).toBe(overHttp.stdout)
      expect(inProcess.stderr).toBe(overHttp.stderr)
      expect(inProcess.stdout.length + inProcess.stderr.length).toBeGreaterThan(2)
      expect(inProcess.modules).not.toContain(NODE_FETCH)
      // The control: the same check sees fetch loaded on the HTTP path.
      expect(overHttp.modules).toContain(NODE_FETCH)
    })
  })
})
