import { describe, expect, it } from "vitest"
import { ViewerApi } from "./api.js"

const RUN_PATH = /\/evaluationRuns\/([^/]+)(\/samples)?$/

/** An API that answers a run (its status per id) and one page of two samples, counting what it was asked. */
const api = (statusOf: (id: string) => string) => {
  const asked: Array<string> = []
  const fetch = (request: Request): Response => {
    const url = new URL(request.url)
    asked.push(`${request.headers.get("authorization") ?? "-"} ${url.pathname}`)
    const match = RUN_PATH.exec(url.pathname)
    if (!match) return new Response("{}", { status: 404 })
    const body = match[2]
      ? { items: [{ sampleId: "s1", sampleIndex: 0 }, { sampleId: "s2", sampleIndex: 1 }], nextPageToken: "" }
      : { id: match[1], status: statusOf(match[1]!) }
    return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } })
  }
  return { asked, viewer: new ViewerApi(fetch) }
}

const ref = (evaluationRun: string) => ({ tenant: "demo", agent: "support_bot", evaluationRun })

describe("ViewerApi.runWithSamples", () => {
  it("reads a finished run once per key, a running one every time", async () => {
    const { asked, viewer } = api((id) => (id === "done" ? "COMPLETED" : "IN_PROGRESS"))
    const first = await viewer.runWithSamples("key-a", ref("done"))
    const again = await viewer.runWithSamples("key-a", ref("done"))
    expect(again).toBe(first)
    expect(first.samples.map((s) => s.sampleId)).toEqual(["s1", "s2"])
    expect(asked).toHaveLength(2)
    // Another key reads for itself: what one key may read says nothing of another.
    await viewer.runWithSamples("key-b", ref("done"))
    expect(asked).toHaveLength(4)
    expect(asked.slice(2).every((line) => line.startsWith("Bearer key-b "))).toBe(true)
    await viewer.runWithSamples("key-a", ref("running"))
    await viewer.runWithSamples("key-a", ref("running"))
    expect(asked).toHaveLength(8)
    await viewer.close()
  })

  it("keeps only the last few finished runs", async () => {
    const { asked, viewer } = api(() => "COMPLETED")
    for (let i = 0; i < 9; i++) await viewer.runWithSamples(undefined, ref(`run-${i}`))
    expect(asked).toHaveLength(18)
    await viewer.runWithSamples(undefined, ref("run-8"))
    expect(asked).toHaveLength(18)
    await viewer.runWithSamples(undefined, ref("run-0"))
    expect(asked).toHaveLength(20)
    await viewer.close()
  })
})
