/**
 * Memory of the gateway under what one caller can send (issue 22), before
 * and after the bounds, measured in one run on this machine:
 *
 * 1. many streams: one API key opens BENCH_STREAMS (default 2000) event
 *    streams on one run that does not change; the gateway's RSS and V8 heap
 *    then, and again after the stream idle bound (set to 10 s here) has
 *    passed with the clients still connected but silent;
 * 2. big endpoint: BENCH_BIG_CALLS (default 40) `:evaluate?wait=20s` calls
 *    on the embedded backend, each naming an external agent whose
 *    `endpoint` is ~900 KB (the agent, on loopback, answers every call).
 *
 * "after" is this build (`dist/main.js`); "before" is BENCH_BEFORE, the
 * `apps/gateway/dist/main.js` of a build from before the bounds (e.g. commit
 * c0239cf), run the same way. Each gateway is its own process, measured
 * from /proc (VmRSS) and its /metrics (nodejs_heap_size_used_bytes).
 * Not part of `pnpm test`: `pnpm --filter @fruxkit/gateway bench:memory`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { createServer } from "node:http"
import * as net from "node:net"
import type { AddressInfo } from "node:net"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { spawnProcess, type RunningProcess } from "@fruxkit/testkit"

const ROOT = new URL("..", import.meta.url).pathname
const KEY = "bench-memory-key-0123456789abcdef"
const STREAMS = Number(process.env.BENCH_STREAMS ?? 2000)
const BIG_CALLS = Number(process.env.BENCH_BIG_CALLS ?? 40)
const IDLE_S = 10

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`
const rss = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024
/** From the gateway's /metrics: V8 heap in use, and event streams open. */
const gatewayMetrics = async (url: string): Promise<{ heap: number; streams: number }> => {
  const text = await (await fetch(`${url}/metrics`)).text()
  return {
    heap: Number(/^\w*nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1] ?? NaN),
    streams: Number(/^\w*active_event_streams (\S+)/m.exec(text)?.[1] ?? NaN)
  }
}
const settle = async () => {
  await new Promise((r) => setTimeout(r, 1500))
}
const measure = async (gateway: { url: string; process: RunningProcess }) => ({ rss: rss(gateway.process.pid), ...(await gatewayMetrics(gateway.url)) })

const startGateway = async (main: string, env: Record<string, string>) => {
  const process_ = await spawnProcess({
    name: "gateway",
    args: [main, "--port", "0"],
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "warn", FRUXKIT_API_KEYS: `${KEY}=*`, FRUXKIT_RATE_LIMIT: "0", ...env },
    ready: /listening on (http:\/\/\S+)/,
    readyTimeoutMs: 120_000
  })
  return { url: process_.ready![1]!, process: process_ }
}

/** A raw event-stream request that reads its headers, then nothing more (a silent client). */
const openSilentStream = (url: string, path: string): Promise<{ status: number; socket: net.Socket }> =>
  new Promise((resolve) => {
    const { hostname, port } = new URL(url)
    const socket = net.connect(Number(port), hostname)
    let head = ""
    socket.on("error", () => resolve({ status: 0, socket }))
    socket.on("data", function first(chunk) {
      head += chunk.toString("latin1")
      const status = /^HTTP\/1\.1 (\d+)/.exec(head)
      if (!status) return
      socket.off("data", first)
      socket.pause()
      resolve({ status: Number(status[1]), socket })
    })
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${KEY}\r\nAccept: text/event-stream\r\n\r\n`)
  })

const manyStreams = async (main: string, label: string) => {
  const upstream = await spawnProcess({ name: "upstream", args: ["--conditions=development", "--import", "tsx", "bench/upstream.ts"], cwd: ROOT, ready: /\{"port":(\d+)\}/ })
  const upstreamUrl = `http://127.0.0.1:${upstream.ready![1]}`
  const gateway = await startGateway(main, {
    FRUXON_API_URL: upstreamUrl,
    FRUXON_API_TOKEN: "bench-token-0123456789",
    FRUXKIT_STREAM_IDLE_TIMEOUT: `${IDLE_S}s`,
    FRUXKIT_MAX_CONNECTIONS: String(STREAMS + 100)
  })
  try {
    // A run that stays IN_PROGRESS (a step every 10 minutes).
    const { id } = (await (await fetch(`${upstreamUrl}/bench/runs`, { method: "POST", body: JSON.stringify({ steps: 10, stepMs: 600_000 }) })).json()) as { id: string }
    const path = `/v1/tenants/demo/agents/support_bot/evaluationRuns/${id}/events`
    await settle()
    const idle = await measure(gateway)
    const opened: Array<{ status: number; socket: net.Socket }> = []
    for (let i = 0; i < STREAMS; i += 100) opened.push(...(await Promise.all(Array.from({ length: Math.min(100, STREAMS - i) }, () => openSilentStream(gateway.url, path)))))
    await settle()
    const open = await measure(gateway)
    const statuses = opened.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s.status]: (acc[s.status] ?? 0) + 1 }), {})
    await new Promise((r) => setTimeout(r, (IDLE_S + 3) * 1000))
    const later = await measure(gateway)
    for (const s of opened) s.socket.destroy()
    console.log(
      `many streams   ${label.padEnd(7)} ${STREAMS} asked: ${JSON.stringify(statuses)}; RSS ${mib(idle.rss)} → ${mib(open.rss)} open → ${mib(later.rss)} after ${IDLE_S + 3} s silent; heap ${mib(idle.heap)} → ${mib(open.heap)} → ${mib(later.heap)}; streams open ${open.streams} → ${later.streams}`
    )
  } finally {
    await gateway.process.stop()
    await upstream.stop()
  }
}

const bigEndpoint = async (main: string, label: string) => {
  // A long URL path is what this case sends: let the agent read it.
  const agent = createServer({ maxHeaderSize: 2 * 1024 * 1024 }, (req, res) => {
    req.resume()
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" })
      res.end(JSON.stringify({ response: "ok" }))
    })
  })
  await new Promise<void>((resolve) => agent.listen(0, "127.0.0.1", resolve))
  const agentUrl = `http://127.0.0.1:${(agent.address() as AddressInfo).port}`
  const dataDir = mkdtempSync(join(tmpdir(), "fruxkit-bench-memory-"))
  const gateway = await startGateway(main, { FRUXKIT_DATA_DIR: dataDir, FRUXKIT_EXTERNAL_AGENT_ALLOW: "127.0.0.1" })
  try {
    await settle()
    const idle = await measure(gateway)
    const body = JSON.stringify({ candidateExternalConfig: { parameters: { endpoint: `${agentUrl}/${"x".repeat(900_000)}`, timeout_seconds: 5 } } })
    const statuses: Record<number, number> = {}
    for (let i = 0; i < BIG_CALLS; i += 10) {
      const answers = await Promise.all(
        Array.from({ length: Math.min(10, BIG_CALLS - i) }, () =>
          fetch(`${gateway.url}/v1/tenants/demo/agents/support_bot:evaluate?wait=20s`, {
            method: "POST",
            headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
            body
          }).then(async (r) => (await r.arrayBuffer(), r.status))
        )
      )
      for (const status of answers) statuses[status] = (statuses[status] ?? 0) + 1
    }
    await settle()
    const after = await measure(gateway)
    console.log(
      `big endpoint   ${label.padEnd(7)} ${BIG_CALLS} × :evaluate?wait with a 900 KB endpoint: ${JSON.stringify(statuses)}; RSS ${mib(idle.rss)} → ${mib(after.rss)}; heap ${mib(idle.heap)} → ${mib(after.heap)}`
    )
  } finally {
    await gateway.process.stop()
    agent.closeAllConnections()
    agent.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

const main = async () => {
  const builds: Array<[string, string]> = [["after", "dist/main.js"]]
  if (process.env.BENCH_BEFORE) builds.unshift(["before", process.env.BENCH_BEFORE])
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(" ")}`)
  for (const [label, main] of builds) await manyStreams(main, label)
  for (const [label, main] of builds) await bigEndpoint(main, label)
  console.log(`load average at end: ${loadavg().map((l) => l.toFixed(1)).join(" ")}`)
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)
