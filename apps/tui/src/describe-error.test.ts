import { describe, expect, it } from "vitest"
import { FruxonError } from "@fruxkit/core"
import { describeError, failureLine } from "./describe-error.js"

const request = { method: "POST", url: "/v1/tenants/demo/agents/a:evaluate", endpoint: "evaluate" }

describe("describeError", () => {
  it("shows an API error as its problem title and detail", () => {
    const error = new FruxonError.NotFound({ request, status: 404, problem: { title: "Agent not found", detail: 'no agent "x"' } })
    expect(failureLine(describeError(error))).toBe('Agent not found (404): no agent "x"')
  })

  it("says a stale draft plainly and keeps the tag for the screen to offer a reload", () => {
    const failure = describeError(new FruxonError.StaleDraft({ request, status: 409, problem: { title: "Stale draft", detail: "head is at 4" } }))
    expect(failure).toMatchObject({ tag: "StaleDraft", kind: "api", title: "Stale draft", detail: "head is at 4" })
  })

  it("treats connection failures and gateway 503s as unreachable", () => {
    expect(describeError(new FruxonError.TransportError({ request, reachedServer: false, code: "ECONNREFUSED" })).kind).toBe("unreachable")
    expect(describeError(new FruxonError.Unavailable({ request, status: 503, problem: {}, retryAfter: undefined })).kind).toBe("unreachable")
  })

  it("drops the union noise next to a field's real reason", () => {
    const error = new FruxonError.InvalidRequest({
      request,
      status: 0,
      problem: undefined,
      errors: [
        { path: "body.environmentSlug", message: "may hold letters and digits" },
        { path: "body.environmentSlug", message: 'Expected null, actual "bad slug!"' },
        { path: "body.environmentSlug", message: 'Expected undefined, actual "bad slug!"' }
      ]
    })
    expect(failureLine(describeError(error))).toBe("Invalid request: body.environmentSlug: may hold letters and digits")
  })

  it("drops the noise also when the union's messages come joined in one, and says a repeated reason once", () => {
    const joined = new FruxonError.InvalidRequest({
      request,
      status: 0,
      problem: undefined,
      errors: [{ path: "body.environmentSlug", message: 'may hold letters; Expected null, actual "bad env"; Expected undefined, actual "bad env"' }]
    })
    expect(failureLine(describeError(joined))).toBe("Invalid request: body.environmentSlug: may hold letters")
    const repeated = new FruxonError.InvalidRequest({
      request,
      status: 400,
      problem: { title: "Invalid request", detail: "body.endpoint: must be a URL" },
      errors: [{ path: "body.endpoint", message: "must be a URL" }]
    })
    expect(failureLine(describeError(repeated))).toBe("Invalid request (400): body.endpoint: must be a URL")
  })

  it("never shows a stack, whatever was thrown", () => {
    const failure = describeError(new TypeError("x is not a function"))
    expect(failureLine(failure)).toBe("x is not a function")
  })
})
