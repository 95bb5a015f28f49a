/**
 * The benchmarks' fake external agent: answers every call after a fixed delay. It
 * runs in its own process: sharing a backend's event loop would charge the
 * agent's own work to the backend.
 *
 * "A 20 ms agent" means 20 ms from a call's arrival to its answer. A plain
 * `setTimeout(20)` holds each call ≈ 21.5 ms here (the timer fires late, and
 * reading the body takes a little), which the benches would count as the
 * backend's overhead. So the agent learns how late its timer fires (a moving
 * average) and sets it that much earlier: its mean hold is the delay. The
 * mean hold is reported by /calls, so a reader sees what the agent did.
 *
 * Even so, a bare client sees more than the hold: loopback, and this one
 * event loop reading and answering concurrent calls one after another.
 * `calibrateAgent` measures that with a bare client at the run's concurrency
 * and shortens the hold by it, so that "a 20 ms agent" is 20 ms as a client
 * sees it — what the issue's ideal (samples × 2 × 20 ms ÷ C) assumes.
 */
import { spawn } from "node:child_process"
import * as os from "node:os"
import { Agent, request } from "undici"

/** BENCH_AGENT_MS: 20 by default (CPU-bound backends show); 200 makes the agent, not the CPU, the limit. */
export const AGENT_DELAY_MS = Number(process.env.BENCH_AGENT_MS ?? 20)

const AGENT_SCRIPT = `
const http = require("node:http")
const calls = new Map()
// Calls being answered now, and the most at once since the last read: how many agent calls were in flight.
let inFlight = 0
let maxInFlight = 0
// How late the timer fires, on average (ms): the next timer is set that much earlier.
let timerLateness = 1
// Arrival → answer of each call since the last read (ms): what the agent's latency really was.
let heldMs = 0
let held = 0
// The first call's arrival and the last answer since the last read (ms since the epoch, fractional): where a
// run's agent calls began and ended on the bench's clock, so the bench can tell its start and end from its samples.
let firstArrivalAt = 0
let lastAnswerAt = 0
// Arrival → answer (ms); PUT /hold sets it (calibrateAgent).
let holdMs = Number(process.env.AGENT_DELAY_MS)
const server = http.createServer((req, res) => {
  if (req.method === "PUT" && req.url === "/hold") {
    const chunks = []
    req.on("data", (c) => chunks.push(c))
    return req.on("end", () => {
      holdMs = Number(Buffer.concat(chunks).toString("utf8"))
      res.writeHead(204)
      res.end()
    })
  }
  if (req.method === "GET" && req.url === "/calls") {
    // Calls per distinct question since the last read, then reset: how many samples were judged more than once.
    const counts = [...calls.values()]
    calls.clear()
    const most = maxInFlight
    maxInFlight = inFlight
    const meanHoldMs = held === 0 ? 0 : heldMs / held
    const span = { firstArrivalAt, lastAnswerAt }
    heldMs = 0
    held = 0
    firstArrivalAt = 0
    lastAnswerAt = 0
    res.writeHead(200, { "content-type": "application/json" })
    return res.end(JSON.stringify({ calls: counts.reduce((a, b) => a + b, 0), distinct: counts.length, repeated: counts.filter((n) => n > 2).length, maxInFlight: most, meanHoldMs, ...span }))
  }
  const arrived = performance.now()
  if (firstArrivalAt === 0) firstArrivalAt = performance.timeOrigin + arrived
  const chunks = []
  req.on("data", (c) => chunks.push(c))
  req.on("end", () => {
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8"))
    calls.set(body.parameters.question, (calls.get(body.parameters.question) ?? 0) + 1)
    maxInFlight = Math.max(maxInFlight, ++inFlight)
    const wait = Math.max(0, arrived + holdMs - performance.now() - timerLateness)
    const intended = performance.now() + wait
    setTimeout(() => {
      timerLateness += 0.1 * (performance.now() - intended - timerLateness)
      inFlight--
      res.writeHead(200, { "content-type": "application/json" })
      res.end(JSON.stringify({ response: "answer to " + body.parameters.question }))
      heldMs += performance.now() - arrived
      held++
      lastAnswerAt = performance.timeOrigin + performance.now()
    }, wait)
  })
})
server.keepAliveTimeout = 60000
server.listen(0, "127.0.0.1", () => console.log(server.address().port))
`

export interface AgentCalls {
  readonly calls: number
  readonly distinct: number
  /** Questions called more than twice: samples judged more than once. */
  readonly repeated: number
  /** The most calls the agent was answering at once (a call counts from its arrival to its answer). */
  readonly maxInFlight: number
  /** The agent's own mean latency: a call's arrival to its answer (ms). */
  readonly meanHoldMs: number
  /** The first call's arrival and the last call's answer (ms since the epoch, `performance.timeOrigin + now()`). */
  readonly firstArrivalAt: number
  readonly lastAnswerAt: number
}

/** Since the last read, then reset. Base and candidate both call the agent: a sample judged once makes 2 calls with its question. */
export const readAgentCalls = async (agentUrl: string): Promise<AgentCalls> => (await fetch(`${agentUrl}/calls`)).json() as Promise<AgentCalls>

/**
 * The agent stand-in's scheduling priority (nice −10): it stands for a service on other machines, which the
 * backend's load does not slow. On a 2-core machine it shares the cores with the processes measured, and at the
 * same priority their CPU made its answers late — counted as the backend's overhead. Raising a priority needs the
 * privilege (root here); without it the agent runs as before, and `priority` says so.
 */
const AGENT_NICE = -10

/** An agent answering after `delayMs` (default BENCH_AGENT_MS, else 20). */
export const startAgent = async (delayMs = AGENT_DELAY_MS) => {
  const child = spawn(process.execPath, ["-e", AGENT_SCRIPT], {
    env: { ...process.env, AGENT_DELAY_MS: String(delayMs) },
    stdio: ["ignore", "pipe", "inherit"]
  })
  const port = await new Promise<string>((resolve) => child.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString().trim())))
  let priority: string
  try {
    os.setPriority(child.pid!, AGENT_NICE)
    priority = `nice ${AGENT_NICE}`
  } catch (error) {
    priority = `normal priority (raising it was refused: ${(error as NodeJS.ErrnoException).code ?? String(error)})`
  }
  return {
    url: `http://127.0.0.1:${port}`,
    /** How the agent process is scheduled against the processes measured. */
    priority,
    close: async () => {
      child.kill()
    }
  }
}

/** Sets how long the agent holds each call, from its arrival to its answer (ms). */
const setHold = async (agentUrl: string, holdMs: number): Promise<void> => {
  const response = await fetch(`${agentUrl}/hold`, { method: "PUT", body: String(holdMs) })
  await response.arrayBuffer()
}

/** The mean time (ms) a bare client (one keep-alive undici agent, nothing else) sees per call, `concurrency` calls at a time. */
const bareClientMeanMs = async (agentUrl: string, concurrency: number, calls: number): Promise<number> => {
  const dispatcher = new Agent({ connections: concurrency })
  let total = 0
  let next = 0
  const loop = async () => {
    while (next < calls) {
      const i = next++
      // A body like the worker's: the sample's parameters and a session id.
      const body = JSON.stringify({ parameters: { question: `calibration question ${i}` }, sessionId: `calibration-${i}` })
      const started = performance.now()
      const response = await request(agentUrl, { method: "POST", dispatcher, body, headers: { "content-type": "application/json", accept: "application/json" } })
      await response.body.text()
      total += performance.now() - started
    }
  }
  try {
    await Promise.all(Array.from({ length: concurrency }, loop))
  } finally {
    await dispatcher.close()
  }
  return total / calls
}

export interface Calibration {
  /** What a bare client saw per call with the hold at the delay. */
  readonly bareMsAtDelay: number
  /** The hold set: the delay less what the bare client saw above it. */
  readonly holdMs: number
  /** What a bare client sees per call with that hold: ≈ the delay. */
  readonly bareMs: number
}

/**
 * Makes the agent's latency, as a bare client at `concurrency` sees it, `delayMs`: measures the bare
 * client at a hold of `delayMs`, shortens the hold by what it saw above, and measures and corrects again
 * until the client sees `delayMs` within 0.1 ms (all printed by the bench). Its calls are forgotten (the agent's counters are read and reset).
 */
export const calibrateAgent = async (agentUrl: string, delayMs: number, concurrency: number, calls = 400): Promise<Calibration> => {
  await setHold(agentUrl, delayMs)
  // A warm-up: connections, and both processes' code compiled.
  await bareClientMeanMs(agentUrl, concurrency, Math.min(calls, 2 * concurrency))
  const bareMsAtDelay = await bareClientMeanMs(agentUrl, concurrency, calls)
  // Until the bare client sees the delay within 0.1 ms (at most 6 steps): what the client sees above the hold
  // shifts a little with the hold itself, and one measurement is noisy — off by 0.5 ms, every ratio to the
  // ideal would be off by 2.5 %, either way.
  let holdMs = delayMs
  let bareMs = bareMsAtDelay
  for (let step = 0; step < 6 && Math.abs(bareMs - delayMs) > 0.1; step++) {
    holdMs = Math.max(0, holdMs - (bareMs - delayMs))
    await setHold(agentUrl, holdMs)
    bareMs = await bareClientMeanMs(agentUrl, concurrency, calls)
  }
  await readAgentCalls(agentUrl)
  return { bareMsAtDelay, holdMs, bareMs }
}

/** Back to holding each call `delayMs` from its arrival. */
export const resetAgentHold = (agentUrl: string, delayMs: number): Promise<void> => setHold(agentUrl, delayMs)
