/**
 * The client over an in-process API (`createFruxonClient({ handler })`):
 * the handler is given plain objects built by the same client code as over
 * HTTP (path, query, headers, JSON body), its answers are decoded and its
 * problems become the same typed errors — and while it runs, nothing reads
 * the platform's fetch, Request, Response or Headers (each made to throw).
 */
import { afterEach, describe, expect, it } from "vitest"
import type { ApiAnswer, ApiRequest } from "../src/InProcessApi.js"
import { createFruxonClient, FruxonError, type PromiseClient } from "../src/promise.js"
import { DATASET_A, RUN_ID, runJson } from "@fruxkit/testkit"

const ref = { tenant: "demo", agent: "support_bot" }
const FETCH_GLOBALS = ["fetch", "Request", "Response", "Headers"] as const

/** Run `use` with the platform's fetch classes made to throw when read; restored after. */
const withoutFetchGlobals = async <A>(use: () => Promise<A>): Promise<A> => {
  const saved = FETCH_GLOBALS.map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)] as const)
  for (const name of FETCH_GLOBALS) {
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get: () => {
        throw new Error(`globalThis.${name} was read`)
      }
    })
  }
  try {
    return await use()
  } finally {
    for (const [name, descriptor] of saved) {
      if (descriptor) Object.defineProperty(globalThis, name, descriptor)
      else delete (globalThis as Record<string, unknown>)[name]
    }
  }
}

let client: PromiseClient | undefined
afterEach(async () => {
  await client?.close()
  client = undefined
})

const answer = (status: number, body: unknown, headers: Record<string, string> = {}): ApiAnswer => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: body === undefined ? "" : JSON.stringify(body)
})

describe("a client over an in-process handler", () => {
  it("sends plain requests (path, query, headers, JSON body) and decodes the answers, without the platform's fetch", async () => {
    const seen: Array<ApiRequest> = []
    client = createFruxonClient({
      baseUrl: "http://fruxkit.embedded",
      token: "a-token",
      handler: async (request) => {
        seen.push(request)
        if (request.method === "POST") return answer(200, runJson("PENDING"), { "x-request-id": "req-1" })
        return answer(200, { items: [runJson("COMPLETED")], nextPageToken: "", totalCount: 1 })
      }
    })
    const [page, started] = await withoutFetchGlobals(() =>
      Promise.all([
        client!.listEvaluationRuns({ ...ref, pageSize: 5 }),
        client!.evaluate({ ...ref, body: { datasetId: DATASET_A, candidateRevision: 2 }, idempotencyKey: "key-1" }).withResponse()
      ])
    )
    expect(page.data.map((run) => run.status)).toEqual(["COMPLETED"])
    expect(page.totalCount).toBe(1)
    expect(started.data).toMatchObject({ id: RUN_ID, status: "PENDING" })

    const [list, evaluate] = [seen.find((r) => r.method === "GET")!, seen.find((r) => r.method === "POST")!]
    expect(list.url).toMatch(/^\/v1\/tenants\/demo\/agents\/support_bot\/evaluationRuns\?/)
    expect(new URLSearchParams(list.url.split("?")[1]).get("PageSize")).toBe("5")
    expect(list.body).toBeUndefined()
    expect(list.headers).toMatchObject({ accept: "application/json", authorization: "Bearer a-token" })
    expect(evaluate.url).toBe("/v1/tenants/demo/agents/support_bot:evaluate")
    expect(JSON.parse(evaluate.body!)).toEqual({ datasetId: DATASET_A, candidateRevision: 2 })
    expect(evaluate.headers["idempotency-key"]).toBe("key-1")
    expect(evaluate.headers["content-type"]).toBe("application/json")
    // The Response beside the data is made when asked for (after the globals are back), from the answer.
    expect(started.response.status).toBe(200)
    expect(started.response.headers.get("x-request-id")).toBe("req-1")
  })

  it("turns a problem answer into the typed error, and a handler that throws into a transport error", async () => {
    let calls = 0
    client = createFruxonClient({
      baseUrl: "http://fruxkit.embedded",
      retry: { baseDelay: 1, maxDelay: 2 },
      handler: async (request) => {
        calls++
        if (request.url.includes("/evaluationRuns/")) {
          return {
            status: 404,
            headers: { "content-type": "application/problem+json" },
            body: JSON.stringify({ title: "Evaluation run not found", status: 404, detail: "no such run" })
          }
        }
        throw new Error("handler bug")
      }
    })
    const notFound = await withoutFetchGlobals(() => client!.getEvaluationRun({ ...ref, evaluationRun: RUN_ID }).catch((error: unknown) => error))
    expect(notFound).toBeInstanceOf(FruxonError.NotFound)
    expect((notFound as FruxonError.NotFound).problem?.detail).toBe("no such run")
    const broken = await withoutFetchGlobals(() => client!.listAgents({ tenant: "demo" }).catch((error: unknown) => error))
    expect(broken).toBeInstanceOf(FruxonError.TransportError)
    expect(calls).toBeGreaterThanOrEqual(2)
  })
})
