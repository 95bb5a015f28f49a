/**
 * The real entry (src/main.ts) as a child process: graceful SIGTERM with a
 * request in flight and an open event stream, exit codes, --help, a bad
 * value, and what it prints (no secret anywhere in its output).
 */
import { fileURLToPath } from "node:url"
import { spawnProcess, startFakeFruxon, waitFor, type FakeFruxon, type RunningProcess } from "@fruxkit/testkit"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openSse } from "./support/sse.js"

const ROOT = fileURLToPath(new URL("..", import.meta.url))
const TOKEN = "upstream-token-child-SECRET-0123456789"
const KEY = "child-api-key-SECRET-0123456789"
const T = "/v1/tenants/demo/agents/support_bot"

const startChild = (args: Array<string>, env: Record<string, string>, ready?: RegExp): Promise<RunningProcess> =>
  spawnProcess({
    args: ["--conditions=development", "--import", "tsx", "src/main.ts", ...args],
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    ready,
    name: "the gateway"
  })

let fake: FakeFruxon
beforeAll(async () => {
  fake = await startFakeFruxon({ step: 0 })
})
afterAll(async () => {
  await fake.close()
})

describe("main.ts as a process", () => {
  it("on SIGTERM finishes the request in flight, closes streams with a closing event, exits 0", async () => {
    const child = await startChild(
      ["--port", "0", "--shutdown-deadline", "5s"],
      { FRUXON_API_URL: fake.url, FRUXON_API_TOKEN: TOKEN, FRUXKIT_API_KEYS: `${KEY}=demo` },
      /listening on (http:\/\/\S+)/
    )
    try {
      const url = child.ready![1]!
      const headers = { authorization: `Bearer ${KEY}` }

      // Prints a curl line; the key itself is not printed when stderr is not a terminal.
      expect(child.stderr()).toMatch(/curl -s -H "Authorization: Bearer \$FRUXKIT_API_KEY" http:\/\/.+\/v1\/tenants\/demo\/agents\/support_bot\/datasets/)

      const run = fake.model.createRun("support_bot", "IN_PROGRESS")
      const events = await openSse(`${url}${T}/evaluationRuns/${run.id}/events`, headers)
      expect((await events.next())?.event).toBe("run")

      fake.inject(/marker=inflight/, { kind: "delay", ms: 800 })
      const inflight = fetch(`${url}${T}?marker=inflight`, { headers })
      await waitFor(() => fake.requests.some((r) => r.url.includes("marker=inflight")), { what: "the request to reach the upstream" })
      const signalledAt = Date.now()
      child.signal("SIGTERM")

      const closing = await events.next()
      expect(closing?.event).toBe("shutdown")
      const answer = await inflight
      expect(answer.status).toBe(200)
      expect(await answer.json()).toMatchObject({ id: "support_bot" })
      expect((await child.exited).code).toBe(0)
      expect(Date.now() - signalledAt).toBeLessThan(5000)
      // Stopped accepting.
      await expect(fetch(`${url}/healthz`)).rejects.toThrow()

      const output = child.stdout() + child.stderr()
      expect(output).toContain('"msg":"shutting down"')
      expect(output).toContain('"msg":"stopped"')
      // The in-flight request's access line was batched and still written before exit.
      expect(output).toMatch(/"path":"\/v1\/tenants\/demo\/agents\/support_bot","route":"getAgent","status":200[^\n]*"msg":"request"/)
      expect(output).not.toContain(TOKEN)
      expect(output).not.toContain(KEY)
      // The upstream saw the gateway's token, not the client's key.
      const seen = fake.requests.find((r) => r.url.includes("marker=inflight"))!
      expect(seen.headers.authorization).toBe(`Bearer ${TOKEN}`)
    } finally {
      await child.kill()
    }
  })

  it("--help lists the options and exits 0; a bad value exits 2 with a clear message", async () => {
    const [help, bad, exposed] = await Promise.all([startChild(["--help"], {}), startChild(["--port", "http"], {}), startChild(["--host", "0.0.0.0"], {})])
    expect((await help.exited).code).toBe(0)
    expect(help.stdout()).toContain("--port")
    expect(help.stdout()).toContain("FRUXKIT_DATA_DIR")
    expect((await bad.exited).code).toBe(2)
    expect(bad.stderr()).toContain('--port: expected an integer from 0 to 65535, got "http"')
    expect((await exposed.exited).code).toBe(2)
    expect(exposed.stderr()).toContain("refusing to bind 0.0.0.0 without API keys")
  })
})
