/**
 * Every state-changing request to the viewer must come from its own pages:
 * signing in and out as much as curating (a forged sign-in would put a
 * victim's browser on the attacker's key). Checked on the viewer's app
 * itself; the API is never reached by a refused request. And a run page's
 * live stream resumes where it stopped: the browser's `Last-Event-ID` reaches
 * the API's event stream.
 */
import { describe, expect, it } from "vitest"
import { createViewer, KEY_COOKIE } from "./index.js"

const ORIGIN = "http://127.0.0.1:8787"

const viewer = () => {
  const called: Array<string> = []
  const headers: Array<Headers> = []
  const { app, close } = createViewer({
    api: (request) => {
      called.push(new URL(request.url).pathname)
      headers.push(request.headers)
      return request.headers.get("accept") === "text/event-stream"
        ? new Response("id: 6\nevent: run\ndata: {}\n\n", { status: 200, headers: { "content-type": "text/event-stream" } })
        : new Response("{}", { status: 500 })
    },
    keysRequired: true
  })
  const post = (path: string, headers: Record<string, string>, body = new URLSearchParams({ key: "attacker-key", next: "/ui" })) =>
    app.request(`${ORIGIN}${path}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body })
  return { app, post, called, headers, close }
}

describe("the viewer's sign-in and sign-out posts", () => {
  it("refuse another origin, and a request with neither Origin nor Referer, without setting or clearing the key", async () => {
    const { post, called, close } = viewer()
    for (const headers of [{ origin: "http://127.0.0.2:9" }, { origin: "null" }, {}, { referer: "http://127.0.0.2:9/page" }]) {
      for (const path of ["/login", "/logout"]) {
        const res = await post(path, headers)
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(403)
        expect(res.headers.get("set-cookie")).toBeNull()
        expect(await res.text()).toContain("only be sent from the viewer")
      }
    }
    expect(called).toEqual([])
    await close()
  })

  it("sign in and out from the viewer's own page (by Origin, or by Referer when no Origin is sent)", async () => {
    const { post, close } = viewer()
    const signedIn = await post("/login", { origin: ORIGIN })
    expect(signedIn.status).toBe(303)
    expect(signedIn.headers.get("set-cookie")).toMatch(new RegExp(`^${KEY_COOKIE}=attacker-key;.*HttpOnly.*SameSite=Strict`))
    const byReferer = await post("/login", { referer: `${ORIGIN}/ui/login` })
    expect(byReferer.status).toBe(303)
    const signedOut = await post("/logout", { origin: ORIGIN })
    expect(signedOut.status).toBe(303)
    expect(signedOut.headers.get("set-cookie")).toMatch(new RegExp(`^${KEY_COOKIE}=;.*Max-Age=0`))
    await close()
  })
})

describe("a run page's live stream", () => {
  it("passes the browser's Last-Event-ID and key on to the API's event stream, and its answer back as it is", async () => {
    const { app, called, headers, close } = viewer()
    const res = await app.request(`${ORIGIN}/t/demo/agents/support_bot/runs/r-1/events`, {
      headers: { "last-event-id": "5", cookie: `${KEY_COOKIE}=the-key` }
    })
    expect(res.status).toBe(200)
    expect(res.headers.get("content-type")).toBe("text/event-stream")
    expect(await res.text()).toBe("id: 6\nevent: run\ndata: {}\n\n")
    expect(called).toEqual(["/v1/tenants/demo/agents/support_bot/evaluationRuns/r-1/events"])
    expect(headers[0]!.get("last-event-id")).toBe("5")
    expect(headers[0]!.get("authorization")).toBe("Bearer the-key")
    await close()
  })
})
