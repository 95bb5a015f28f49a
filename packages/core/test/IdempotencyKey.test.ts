import { describe, expect, it } from "vitest"
import { allEndpoints } from "../src/Endpoints.js"
import * as IdempotencyKey from "../src/IdempotencyKey.js"
import * as Route from "../src/Route.js"

const paramsOf = (path: string) => [...path.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]!)

describe("IdempotencyKey", () => {
  it("calls requests the same regardless of key order and whitespace, not of values, paths or methods", () => {
    const a = IdempotencyKey.canonicalRequest("POST", "/x", { a: 1, b: [1, { c: 2, d: 3 }], skip: undefined })
    expect(IdempotencyKey.canonicalRequest("POST", "/x", JSON.parse('{ "b": [1, {"d":3, "c":2}], "a": 1 }'))).toBe(a)
    expect(IdempotencyKey.canonicalRequest("POST", "/x", { a: 2, b: [1, { c: 2, d: 3 }] })).not.toBe(a)
    expect(IdempotencyKey.canonicalRequest("POST", "/y", { a: 1, b: [1, { c: 2, d: 3 }] })).not.toBe(a)
    expect(IdempotencyKey.canonicalRequest("PUT", "/x", { a: 1, b: [1, { c: 2, d: 3 }] })).not.toBe(a)
    expect(["k-1", "a".repeat(255)].every(IdempotencyKey.isValid)).toBe(true)
    expect(["", "has space", "a".repeat(256), "tab\t", "é"].some(IdempotencyKey.isValid)).toBe(false)
  })

  it("names, for every creating endpoint, a GET of the table that lists what it creates (buildable from its own parameters)", () => {
    const router = Route.makeRouter()
    for (const endpoint of allEndpoints.filter((e) => e.retry === "creating")) {
      expect(endpoint.createdIn, endpoint.name).toBeDefined()
      const own = new Set(paramsOf(endpoint.path))
      const params = Object.fromEntries(paramsOf(endpoint.createdIn!).map((name) => [name, name === "revision" ? "2" : `x-${name}`]))
      for (const name of Object.keys(params)) expect(own.has(name), `${endpoint.name}: ${name}`).toBe(true)
      const match = router.match("GET", Route.buildPath(endpoint.createdIn!, params))
      expect(match._tag, endpoint.name).toBe("Matched")
    }
    for (const endpoint of allEndpoints.filter((e) => e.retry !== "creating")) expect(endpoint.createdIn, endpoint.name).toBeUndefined()
  })
})
