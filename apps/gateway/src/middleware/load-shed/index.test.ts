import { describe, expect, it } from "vitest"
import { middlewareApp } from "../../../test/support/middleware-app.js"
import { loadShed } from "./index.js"
import { runningLatenessWatches } from "./loop-lateness.js"
import { requestState } from "../../request-context.js"

describe("loadShed", () => {
  it("refuses past the cap with 503 + Retry-After, and recovers when calls finish", async () => {
    const shed = loadShed({ max: 2, retryAfterSeconds: 3 })
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const app = middlewareApp()
    app.use("*", shed)
    app.get("/slow", async (c) => {
      await gate
      return c.text("done")
    })
    app.get("/fast", (c) => c.text("fast"))
    const slow = [app.request("/slow"), app.request("/slow")]
    await new Promise((r) => setTimeout(r, 10))
    expect(shed.inFlight()).toBe(2)
    const refused = await app.request("/fast")
    expect(refused.status).toBe(503)
    expect(refused.headers.get("retry-after")).toBe("3")
    expect(refused.headers.get("content-type")).toContain("application/problem+json")
    release()
    expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200])
    expect(shed.inFlight()).toBe(0)
    expect((await app.request("/fast")).status).toBe(200)
  })

  it("close() stops the loop-lateness watch a queue deadline starts with the first request; a later request starts it again", async () => {
    const before = runningLatenessWatches()
    const shed = loadShed({ max: 2, queueDeadlineMs: 100 })
    const app = middlewareApp()
    app.use("*", shed)
    app.get("*", (c) => c.text("ok"))
    expect(runningLatenessWatches()).toBe(before)
    expect((await app.request("/a")).status).toBe(200)
    expect((await app.request("/b")).status).toBe(200)
    expect(runningLatenessWatches()).toBe(before + 1)
    shed.close()
    shed.close()
    expect(runningLatenessWatches()).toBe(before)
    expect((await app.request("/c")).status).toBe(200)
    expect(runningLatenessWatches()).toBe(before + 1)
    shed.close()
    expect(runningLatenessWatches()).toBe(before)
  })

  it("does not count exempt requests", async () => {
    const shed = loadShed({ max: 1, exempt: (c) => c.req.path === "/stream" })
    const app = middlewareApp()
    app.use("*", shed)
    app.get("*", (c) => c.text("ok"))
    expect((await app.request("/stream")).status).toBe(200)
    expect(shed.inFlight()).toBe(0)
  })
})

describe("loadShed per key", () => {
  it("one key holds at most maxPerKey slots (429 past it) while another key is still admitted", async () => {
    const shed = loadShed({ max: 10, maxPerKey: 2 })
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const app = middlewareApp()
    app.use("*", async (c, next) => {
      requestState(c).principal = { id: c.req.header("x-key") ?? "anon", tenants: "*" }
      await next()
    })
    app.use("*", shed)
    app.get("/slow", async (c) => {
      await gate
      return c.text("done")
    })
    app.get("/fast", (c) => c.text("fast"))
    const slow = [app.request("/slow", { headers: { "x-key": "a" } }), app.request("/slow", { headers: { "x-key": "a" } })]
    await new Promise((r) => setTimeout(r, 10))
    const refused = await app.request("/fast", { headers: { "x-key": "a" } })
    expect([refused.status, refused.headers.get("retry-after")]).toEqual([429, "1"])
    expect((await app.request("/fast", { headers: { "x-key": "b" } })).status).toBe(200)
    release()
    expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200])
    expect((await app.request("/fast", { headers: { "x-key": "a" } })).status).toBe(200)
    expect(shed.inFlight()).toBe(0)
  })
})

describe("loadShed with a queue deadline", () => {
  const gated = (options: Parameters<typeof loadShed>[0]) => {
    const shed = loadShed(options)
    const gates: Array<() => void> = []
    const order: Array<string> = []
    const app = middlewareApp()
    app.use("*", shed)
    app.get("/hold/:name", async (c) => {
      order.push(c.req.param("name"))
      await new Promise<void>((r) => gates.push(r))
      return c.text(c.req.param("name"))
    })
    return { shed, app, gates, order }
  }
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10))
  }

  it("at the cap, a request waits and takes the first slot that frees, in arrival order", async () => {
    const { shed, app, gates, order } = gated({ max: 1, maxPerKey: 10, queueDeadlineMs: 60_000 })
    const first = app.request("/hold/a")
    await until(() => order.length === 1)
    const second = app.request("/hold/b")
    const third = app.request("/hold/c")
    await until(() => shed.queued() === 2)
    expect([shed.inFlight(), shed.queued(), order]).toEqual([1, 2, ["a"]])
    gates.shift()!()
    expect(await (await first).text()).toBe("a")
    await until(() => order.length === 2)
    gates.shift()!()
    await until(() => order.length === 3)
    gates.shift()!()
    expect([await (await second).text(), await (await third).text()]).toEqual(["b", "c"])
    expect(order).toEqual(["a", "b", "c"])
    expect([shed.inFlight(), shed.queued()]).toEqual([0, 0])
  })

  it("refuses a request no slot freed for within the deadline (503 + Retry-After), and at once when the queue is full", async () => {
    const { shed, app, gates, order } = gated({ max: 1, maxPerKey: 10, queueDeadlineMs: 100, maxQueued: 1, retryAfterSeconds: 2 })
    const held = app.request("/hold/a")
    await until(() => order.length === 1)
    const waiting = app.request("/hold/b")
    await until(() => shed.queued() === 1)
    const full = await app.request("/hold/c")
    expect([full.status, full.headers.get("retry-after")]).toEqual([503, "2"])
    const expired = await waiting
    expect([expired.status, expired.headers.get("retry-after")]).toEqual([503, "2"])
    expect(((await expired.json()) as { detail: string }).detail).toContain("queue deadline")
    expect(order).toEqual(["a"])
    gates.shift()!()
    expect((await held).status).toBe(200)
    expect([shed.inFlight(), shed.queued()]).toEqual([0, 0])
  })
})

/** Keep the event loop busy for `ms` (a saturated process): no timer runs meanwhile. */
const holdEventLoop = (ms: number): void => {
  const heldUntil = performance.now() + ms
  while (performance.now() < heldUntil) {
    // busy
  }
}

describe("loadShed while the event loop is behind", () => {
  it("counts the time a request sat unread: past a backlog, what is read after the loop was held past the deadline is 503 + Retry-After", async () => {
    const shed = loadShed({ max: 100, queueDeadlineMs: 100, retryAfterSeconds: 2 })
    const app = middlewareApp()
    app.use("*", shed)
    app.get("*", (c) => c.text("ok"))
    expect((await app.request("/first")).status).toBe(200)
    await new Promise((r) => setTimeout(r, 50))
    // The loop held for 300 ms (a saturated process), then a burst is read in one turn, as sockets read after a stall are.
    holdEventLoop(300)
    // Read from a socket (Node's request is bound): in-process calls are never taken as waiting unread.
    const fromSocket = { incoming: {} as never }
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => app.request(`/burst/${i}`, undefined, fromSocket)))
    const statuses = answers.map((a) => a.status)
    // The first few read while behind are not yet a backlog (a GC pause is not an overload): they are served.
    expect(statuses.filter((s) => s === 200)).toHaveLength(8)
    const refused = answers.filter((a) => a.status === 503)
    expect(refused).toHaveLength(12)
    expect(new Set(refused.map((a) => a.headers.get("retry-after")))).toEqual(new Set(["2"]))
    expect(((await refused[0]!.json()) as { detail: string }).detail).toContain("queue deadline")
    // Once a tick runs on time again, requests are served.
    await new Promise((r) => setTimeout(r, 50))
    expect((await app.request("/after")).status).toBe(200)
    expect(shed.inFlight()).toBe(0)
  })

  it("in-process requests (no socket) are never taken as waiting unread", async () => {
    const shed = loadShed({ max: 100, queueDeadlineMs: 100 })
    const app = middlewareApp()
    app.use("*", shed)
    app.get("*", (c) => c.text("ok"))
    expect((await app.request("/first")).status).toBe(200)
    holdEventLoop(300)
    const answers = await Promise.all(Array.from({ length: 20 }, () => app.request("/burst")))
    expect(answers.every((a) => a.status === 200)).toBe(true)
  })

  it("without a queue deadline, a held loop changes nothing", async () => {
    const shed = loadShed({ max: 100 })
    const app = middlewareApp()
    app.use("*", shed)
    app.get("*", (c) => c.text("ok"))
    expect((await app.request("/first")).status).toBe(200)
    holdEventLoop(150)
    const answers = await Promise.all(Array.from({ length: 20 }, () => app.request("/burst", undefined, { incoming: {} as never })))
    expect(answers.every((a) => a.status === 200)).toBe(true)
  })
})
