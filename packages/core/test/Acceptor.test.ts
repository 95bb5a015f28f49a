/**
 * The acceptor only ever short-cuts a success: whenever it says yes, Effect's
 * full decoder (as the servers run it: all errors, excess properties refused)
 * succeeds with the very same value. Checked on generated valid values of
 * every request-body and path-parameter schema, and on those values broken
 * in the ways clients break them.
 */
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { breakings } from "./client-mistakes.js"
import { acceptorOf } from "../src/Acceptor.js"
import { allEndpoints, RequestDecoding } from "../src/index.js"

const strict = { errors: "all", onExcessProperty: "error" } as const

const schemas: Array<[string, Schema.Schema<any, any>]> = [
  ...allEndpoints.flatMap((e) => (e.body ? [[`${e.name} body`, e.body] as [string, Schema.Schema<any, any>]] : [])),
  ...Object.entries(RequestDecoding.pathParamSchemas).map(([name, s]) => [`path ${name}`, s] as [string, Schema.Schema<any, any>])
]

describe("acceptor", () => {
  it("covers the request bodies and the string path parameters", () => {
    for (const [name, schema] of schemas) {
      if (name === "path revision") expect(acceptorOf(schema)).toBeUndefined() // a transformation (NumberFromString)
      else expect(acceptorOf(schema), name).toBeDefined()
    }
  })

  for (const [name, schema] of schemas) {
    const accept = acceptorOf(schema)
    if (accept === undefined) continue
    it(`${name}: yes only when the full decoder succeeds with the same value`, () => {
      const decode = Schema.decodeUnknownEither(schema, strict)
      const valid = FastCheck.sample(Arbitrary.make(schema), { numRuns: 60, seed: 7 })
      let accepted = 0
      let refused = 0
      for (const value of valid) {
        // Generated values are valid: the acceptor must take them (else it is only slower)...
        expect(accept(value), JSON.stringify(value)).toBe(true)
        accepted++
        // ...and must never take a value the decoder refuses or would change.
        for (const candidate of [value, ...breakings(value)]) {
          const decoded = decode(candidate)
          if (accept(candidate)) {
            expect(Either.isRight(decoded), JSON.stringify(candidate)).toBe(true)
            expect(Either.getOrThrow(decoded)).toEqual(candidate)
          } else refused++
        }
      }
      expect(accepted).toBe(60)
      expect(refused).toBeGreaterThan(0)
    })
  }
})
