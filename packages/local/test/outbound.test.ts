/**
 * The server does not fetch where a caller points it (issue 21), and the one
 * secret rule holds in traces, errors, summaries and the database files
 * (issue 22, finding 5). Loopback only: the second agent listens on
 * 127.0.0.2, and link-local names come from a stubbed resolver whose answer
 * is refused before any connection is made.
 */
import * as fs from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { LocalBackend } from "../src/index.js"
import { DeadlineExceeded } from "../src/runtime/deadline.js"
import { makeOutboundPolicy, OutboundRefused, type Resolver } from "../src/runtime/outbound-policy.js"
import { AGENT_PATH, awaitRun, call, isProblem, sendJson, startServer, withBackend, type LoopbackServer } from "./support.js"

/** A server on a given loopback address that counts what reaches it. */
const listenOn = async (host: string, handle: (req: http.IncomingMessage, res: http.ServerResponse) => void) => {
  let hits = 0
  const server = http.createServer((req, res) => {
    hits++
    handle(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${host}:${port}`,
    port,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) })
  }
}

/** A resolver that answers from a table, counting calls; a name not in it does not resolve. */
const stubResolver = (answers: (name: string, call: number) => string | undefined): Resolver & { calls: number } => {
  const resolver = Object.assign(
    async (name: string) => {
      resolver.calls++
      const address = answers(name, resolver.calls)
      if (address === undefined) throw new Error("ENOTFOUND")
      return [{ address, family: address.includes(":") ? 6 : 4 }]
    },
    { calls: 0 }
  )
  return resolver
}

describe("outbound policy", () => {
  let second: Awaited<ReturnType<typeof listenOn>>
  let first: Awaited<ReturnType<typeof listenOn>>
  beforeAll(async () => {
    second = await listenOn("127.0.0.2", (_, res) => sendJson(res, 200, { response: "second" }))
    first = await listenOn("127.0.0.1", (req, res) => {
      if (req.url === "/redirect") {
        res.writeHead(307, { location: `${second.url}/` })
        return res.end()
      }
      // Answers long after any deadline a test gives it (the server closes its connections at the end).
      if (req.url === "/error") return sendJson(res, 500, { error: "x".repeat(100_000) })
      if (req.url === "/slow") return void setTimeout(() => sendJson(res, 200, { response: "late" }), 5_000).unref()
      sendJson(res, 200, { response: "first" })
    })
  })
  afterAll(async () => {
    await first.close()
    await second.close()
  })

  const post = { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }

  it("single-user default: loopback agents work", async () => {
    const policy = makeOutboundPolicy()
    expect(await policy.check(`${first.url}/`)).toBeUndefined()
    const response = await policy.fetch(`${first.url}/`, post)
    expect(JSON.parse(response.text)).toEqual({ response: "first" })
    await policy.close()
  })

  it("a call ends at its deadline (DeadlineExceeded) or when its signal aborts (the signal's reason), not when the answer comes; an error's body is not kept", async () => {
    const policy = makeOutboundPolicy()
    const started = Date.now()
    await expect(policy.fetch(`${first.url}/slow`, { ...post, timeoutMs: 100 })).rejects.toBeInstanceOf(DeadlineExceeded)
    const controller = new AbortController()
    const cancelled = policy.fetch(`${first.url}/slow`, { ...post, signal: controller.signal, timeoutMs: 60_000 })
    setTimeout(() => controller.abort(new Error("run cancelled")), 50)
    await expect(cancelled).rejects.toThrow("run cancelled")
    // Both ended well before the slow answer (5 s): neither waited for it.
    expect(Date.now() - started).toBeLessThan(4_500)
    // An error's status is told, its body not kept (no caller reads it).
    expect(await policy.fetch(`${first.url}/error`, post)).toEqual({ status: 500, ok: false, text: "" })
    // The endpoint still answers the next call (its address was admitted once, the policy holds).
    expect(JSON.parse((await policy.fetch(`${first.url}/`, post)).text)).toEqual({ response: "first" })
    await policy.close()
  })

  it("link-local and metadata addresses are always refused, literal or resolved, without connecting", async () => {
    const resolver = stubResolver((name) => (name === "metadata.internal.test" ? "169.254.169.254" : name === "v6.test" ? "fe80::1" : undefined))
    const policy = makeOutboundPolicy({ resolver })
    for (const url of ["http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://metadata.internal.test/", "http://v6.test:8080/", "http://[::ffff:169.254.169.254]/", "http://0.0.0.0:1/"]) {
      expect([url, await policy.check(url)]).toEqual([url, expect.stringMatching(/link-local|metadata|reserved/)])
    }
    // fetch refuses the resolved link-local address before any connection (it would fail otherwise, not be refused).
    await expect(policy.fetch("http://metadata.internal.test/", post)).rejects.toBeInstanceOf(OutboundRefused)
    await policy.close()
  })

  it("shared backend: an allowlisted 127.0.0.1 agent that redirects to 127.0.0.2 is refused, and 127.0.0.2 is never reached", async () => {
    const policy = makeOutboundPolicy({ restrictPrivate: true, allow: ["127.0.0.1"] })
    const firstHits = first.hits()
    expect(await policy.check(`${second.url}/`)).toMatch(/loopback or private/)
    const direct = await policy.fetch(`${first.url}/`, post)
    expect(direct.status).toBe(200)
    await expect(policy.fetch(`${first.url}/redirect`, post)).rejects.toThrow(/redirect/)
    await expect(policy.fetch(`${second.url}/`, post)).rejects.toThrow(/loopback or private/)
    expect(second.hits()).toBe(0)
    expect(first.hits() - firstHits).toBe(2)
    await policy.close()
  })

  it("the address connected to is the one checked: a name that rebinds to a refused address after the check is refused at connect time", async () => {
    // First answer (the check): the allowlisted 127.0.0.1; every later one (the connection's lookup): 127.0.0.2.
    const resolver = stubResolver((name, n) => (name === "agent.test" ? (n === 1 ? "127.0.0.1" : "127.0.0.2") : undefined))
    const policy = makeOutboundPolicy({ restrictPrivate: true, allow: ["127.0.0.1/32"], resolver })
    const failure = await policy.fetch(`http://agent.test:${second.port}/`, post).then(() => undefined, (error: unknown) => error)
    // The connection's lookup refuses it: its error is the request's.
    expect(failure).toBeInstanceOf(OutboundRefused)
    expect(String((failure as Error).message)).toMatch(/loopback or private/)
    expect(resolver.calls).toBe(2)
    expect(second.hits()).toBe(0)
    await policy.close()
  })

  it("an allowlisted host name admits its private address", async () => {
    const resolver = stubResolver((name) => (name === "agents.corp.test" ? "127.0.0.1" : undefined))
    const policy = makeOutboundPolicy({ restrictPrivate: true, allow: ["agents.corp.test"], resolver })
    const response = await policy.fetch(`http://agents.corp.test:${first.port}/`, post)
    expect(JSON.parse(response.text)).toEqual({ response: "first" })
    await policy.close()
  })
})

describe("the outbound policy in the backend", () => {
  let backend: LocalBackend
  let agent: LoopbackServer
  beforeAll(async () => {
    agent = await startServer((_, res) => sendJson(res, 200, { response: "ok" }))
    const resolver = stubResolver((name) => (name === "metadata.internal.test" ? "169.254.169.254" : name === "agent.test" ? "127.0.0.2" : undefined))
    ;({ backend } = await withBackend({ outbound: { restrictPrivate: true, allow: ["127.0.0.1"], resolver } }))
  })
  afterAll(async () => {
    await backend.close()
    await agent.close()
  })

  it(":evaluate with a refused endpoint is a 400 problem and nothing is enqueued", async () => {
    const before = (await call(backend, "GET", `${AGENT_PATH}/evaluationRuns?PageSize=100`)).json.totalCount
    for (const endpoint of ["http://169.254.169.254/latest/", "http://metadata.internal.test/", "http://127.0.0.2:9/", "http://10.0.0.1:9/"]) {
      const answer = await call(backend, "POST", `${AGENT_PATH}:evaluate`, { body: { candidateRevision: 2, candidateExternalConfig: { parameters: { endpoint } } } })
      expect([endpoint, answer.status, isProblem(answer)]).toEqual([endpoint, 400, true])
      expect(answer.json.errors[0].path).toBe("body.candidateExternalConfig.parameters.endpoint")
    }
    expect((await call(backend, "GET", `${AGENT_PATH}/evaluationRuns?PageSize=100`)).json.totalCount).toBe(before)
  })

  it("an endpoint refused at run time (an http step in an inline candidate) fails its samples with a clear error", async () => {
    const started = await call(backend, "POST", `${AGENT_PATH}:evaluate`, {
      body: { agent: { flow: { steps: [{ type: "http", url: "http://agent.test:9/x" }] } } }
    })
    expect(started.status).toBe(200)
    const run = await awaitRun(backend, started.json.id)
    const samples = await call(backend, "GET", `${AGENT_PATH}/evaluationRuns/${run.id}/samples?PageSize=100`)
    const errors = samples.json.items.map((item: any) => item.candidateRevisionResult.trace.traces[0].error)
    expect(errors.length).toBeGreaterThan(0)
    for (const error of errors) expect(error).toBe("http tool not called: the endpoint is refused: it is a loopback or private address and FRUXKIT_EXTERNAL_AGENT_ALLOW does not admit it")
  })
})

describe("secrets of every casing and shape stay out of answers and database files", () => {
  const SECRETS = { Password: "pw-S3CRET-one", refresh_token: "rt-S3CRET-two", access_token: "at-S3CRET-three", ClientSecret: "cs-S3CRET-four" }
  let backend: LocalBackend
  let dataDir: string
  let agent: LoopbackServer
  beforeAll(async () => {
    agent = await startServer((_, res) => sendJson(res, 200, { response: "ok" }))
    ;({ backend, dataDir } = await withBackend({}))
  })
  afterAll(async () => {
    await backend.close()
    await agent.close()
  })

  it("redacts them in traces, errors and summaries, and never writes them in clear (SQLite file and WAL scanned)", async () => {
    const port = new URL(agent.url).port
    const texts: Array<string> = []
    for (const endpoint of [
      `${agent.url}/ok?token=qt-S3CRET-five&q=1`,
      `http://user:up-S3CRET-six@127.0.0.1:${port}/ok`,
      `${agent.url}/${"long".repeat(300)}`
    ]) {
      const started = await call(backend, "POST", `${AGENT_PATH}:evaluate`, {
        body: { candidateExternalConfig: { parameters: { endpoint, ...SECRETS, timeout_seconds: 2 } } }
      })
      expect(started.status).toBe(200)
      const run = await awaitRun(backend, started.json.id)
      const samples = await call(backend, "GET", `${AGENT_PATH}/evaluationRuns/${run.id}/samples?PageSize=100`)
      texts.push(started.text, JSON.stringify(run), samples.text)
      const step = samples.json.items[0].candidateRevisionResult.trace.traces[0]
      if (step.toolTrace) expect(Object.keys(step.toolTrace.parameters).sort()).toEqual(["endpoint", "timeout_seconds"])
      for (const item of samples.json.items) expect(JSON.stringify(item).length).toBeLessThan(20_000)
    }
    texts.push((await call(backend, "GET", `${AGENT_PATH}/evaluationRuns?PageSize=100`)).text)
    const files = fs.readdirSync(dataDir).filter((f) => f !== "secret.key")
    expect(files.some((f) => f.endsWith("-wal"))).toBe(true)
    const onDisk = files.map((f) => fs.readFileSync(path.join(dataDir, f)).toString("latin1")).join("\n")
    for (const text of [...texts, onDisk]) expect(text).not.toContain("S3CRET")
    // The userinfo endpoint failed (fetch refuses credentials in a URL): its error names the endpoint redacted.
    expect(texts.join("\n")).toContain("REDACTED@127.0.0.1")
  })
})
