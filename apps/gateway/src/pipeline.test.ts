import { Hono, type MiddlewareHandler } from "hono"
import { describe, expect, it } from "vitest"
import type { GatewayEnv } from "./env.js"
import { afterAnswer, forMethods, onlyWhen, pipeline } from "./pipeline.js"
import { GatewayProblem, toGatewayProblem } from "./problem.js"

type Step = MiddlewareHandler<GatewayEnv>

/** Middleware that record what they saw, and fail or answer when the request's query asks them to. */
const steps = (trace: Array<string>): Array<Step> => {
  const around = (name: string): Step =>
    function around(c, next) {
      trace.push(`${name} in`)
      return next().then(() => {
        trace.push(`${name} out: ${c.res.status}${c.error ? ` (${c.error.message})` : ""}`)
      })
    }
  const failing = (name: string): Step =>
    function failing(c, next) {
      const fail = c.req.query("fail")
      if (fail === `${name}-sync`) throw new GatewayProblem(429, "limited", "Limited", name)
      if (fail === `${name}-async`) return Promise.reject(new GatewayProblem(503, "overloaded", "Overloaded", name))
      trace.push(name)
      return next()
    }
  const answering: Step = function answering(c, next) {
    if (c.req.query("answer") === "early") return Promise.resolve(c.text("early", 202))
    return next()
  }
  // Goes on only after a turn of its own (as body-limit does): the steps after it run from a later microtask.
  const awaiting: Step = async function awaiting(_c, next) {
    await null
    await next()
  }
  return [
    around("outer"),
    failing("first"),
    awaiting,
    forMethods(["POST"], around("post-only")),
    onlyWhen((c) => c.req.query("inner") !== undefined, around("inner")),
    answering,
    failing("last"),
    async (c) => c.text(`handled ${c.req.method}`, 200)
  ]
}

const onError = (error: Error) => toGatewayProblem(error).toResponse()

/** Each middleware registered on its own, as Hono composes them. */
const oneByOne = (trace: Array<string>) => {
  const app = new Hono<GatewayEnv>()
  app.onError(onError)
  const [outer, first, awaiting, postOnly, inner, answering, last, handler] = steps(trace)
  app.use("*", outer!, first!, awaiting!)
  app.on("POST", "*", postOnly!)
  app.use("*", inner!, answering!, last!)
  app.all("*", handler!)
  return app
}

/** The same middleware as one pipeline. */
const composed = (trace: Array<string>) => {
  const app = new Hono<GatewayEnv>()
  app.onError(onError)
  app.all("*", pipeline(steps(trace), onError))
  return app
}

/** The same middleware nested as createGateway nests its API pipeline in the outer one (behind onlyWhen). */
const nested = (trace: Array<string>) => {
  const app = new Hono<GatewayEnv>()
  app.onError(onError)
  const [outer, first, ...rest] = steps(trace)
  app.all("*", pipeline([outer!, first!, onlyWhen(() => true, pipeline(rest, onError))], onError))
  return app
}

describe("pipeline", () => {
  const cases: Array<[string, RequestInit | undefined]> = [
    ["/x", undefined],
    ["/x", { method: "POST" }],
    ["/x?inner=1", { method: "POST" }],
    ["/x?fail=first-sync", undefined],
    ["/x?fail=first-async&inner=1", { method: "POST" }],
    ["/x?fail=last-sync&inner=1", { method: "POST" }],
    ["/x?fail=last-async", undefined],
    ["/x?answer=early&inner=1", undefined],
    ["/x?answer=early&fail=last-sync", { method: "POST" }]
  ]

  it.each(cases)("%s %o: the same answer and the same order of work as the middleware registered one by one", async (path, init) => {
    const traceOne: Array<string> = []
    const traceComposed: Array<string> = []
    const viaHono = await oneByOne(traceOne).request(path, init)
    const viaPipeline = await composed(traceComposed).request(path, init)
    expect(viaPipeline.status).toBe(viaHono.status)
    expect(Object.fromEntries(viaPipeline.headers)).toEqual(Object.fromEntries(viaHono.headers))
    expect(await viaPipeline.text()).toBe(await viaHono.text())
    expect(traceComposed).toEqual(traceOne)
    // Nested as createGateway nests its API pipeline in the outer one: the same outcome.
    const traceNested: Array<string> = []
    const viaNested = await nested(traceNested).request(path, init)
    expect([viaNested.status, await viaNested.text()]).toEqual([viaHono.status, await (await oneByOne([]).request(path, init)).text()])
    expect(Object.fromEntries(viaNested.headers)).toEqual(Object.fromEntries(viaHono.headers))
    expect(traceNested).toEqual(traceOne)
    // Something ran: the comparison is not between two empty traces.
    expect(traceOne[0]).toBe("outer in")
  })

  it("answers an error where it is thrown: the middleware around it see the problem as the answer and the error on the context", async () => {
    const trace: Array<string> = []
    const response = await composed(trace).request("/x?fail=last-async&inner=1", { method: "POST" })
    expect(response.status).toBe(503)
    expect(response.headers.get("content-type")).toContain("application/problem+json")
    expect(trace).toEqual([
      "outer in",
      "first",
      "post-only in",
      "inner in",
      "inner out: 503 (Overloaded: last)",
      "post-only out: 503 (Overloaded: last)",
      "outer out: 503 (Overloaded: last)"
    ])
  })
})

describe("afterAnswer", () => {
  /** Middleware that keep work for after the answer, around ones that fail or answer early. */
  const keeping = (trace: Array<string>): Array<Step> => {
    const later = (name: string): Step =>
      function later(c, next) {
        trace.push(`${name} in`)
        return afterAnswer(c, next, () => {
          trace.push(`${name} later: ${c.res.status}${c.error ? ` (${c.error.message})` : ""}`)
        })
      }
    const [, first, awaiting, , , answering, last, handler] = steps(trace)
    return [later("outer"), first!, awaiting!, later("middle"), answering!, last!, handler!]
  }
  const cases: Array<string> = ["/x", "/x?fail=first-sync", "/x?fail=last-async", "/x?fail=last-sync", "/x?answer=early"]

  it.each(cases)("%s: kept by a pipeline that runs them, the same answer and order as next().then(...) one by one", async (path) => {
    const traceOne: Array<string> = []
    const traceKept: Array<string> = []
    const one = new Hono<GatewayEnv>()
    one.onError(onError)
    const [outer, first, awaiting, middle, answering, last, handler] = keeping(traceOne)
    one.use("*", outer!, first!, awaiting!, middle!, answering!, last!)
    one.all("*", handler!)
    const kept = new Hono<GatewayEnv>()
    kept.onError(onError)
    // Nested as createGateway nests its API pipeline inside the outer one: the outer one runs what the inner one's steps keep.
    const [kOuter, kFirst, ...inner] = keeping(traceKept)
    kept.all("*", pipeline([kOuter!, kFirst!, pipeline(inner, onError)], onError, { runsLater: true }))
    const viaHono = await one.request(path)
    const viaPipeline = await kept.request(path)
    expect(viaPipeline.status).toBe(viaHono.status)
    expect(await viaPipeline.text()).toBe(await viaHono.text())
    expect(traceKept).toEqual(traceOne)
    expect(traceOne.at(-1)).toMatch(/^outer later: \d{3}/)
  })

  it("runs kept work once the request is answered, the last kept first, and none of it before", async () => {
    const trace: Array<string> = []
    const app = new Hono<GatewayEnv>()
    app.onError(onError)
    app.all("*", pipeline(keeping(trace), onError, { runsLater: true }))
    const response = await app.request("/x?fail=last-async")
    expect(response.status).toBe(503)
    expect(trace).toEqual(["outer in", "first", "middle in", "middle later: 503 (Overloaded: last)", "outer later: 503 (Overloaded: last)"])
  })
})
