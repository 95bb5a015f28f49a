/**
 * The compiled response decoder only ever short-cuts a success: whenever it
 * gives a value, Effect's decoder (as the client ran it before: all errors,
 * unknown fields ignored) succeeds with an equal value; whenever Effect's
 * decoder refuses, so does it. Checked for every response schema of the
 * table on generated wire values (nulls, missing fields and unknown enum
 * strings included) and on those values broken in the ways servers break them.
 * The encoders the local backend answers with, the same way round: a wire
 * value only when Effect's encoder gives the same one.
 */
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { allEndpoints } from "../src/index.js"
import { RequestDecoding } from "../src/index.js"
import { decodeResponse, encodeSync, FAIL, fastDecoderOf, fastEncoderOf } from "../src/ResponseDecoding.js"
import { runJson, sampleJson, DATASET_A } from "@fruxkit/testkit"

const options = { errors: "all", onExcessProperty: "ignore" } as const

/** Breakings down to depth 2: enough to reach an item's fields without exploding the count. */
const breakings = (value: unknown, depth = 0): Array<unknown> => {
  const out: Array<unknown> = [null, 42, "text", [], {}, true]
  if (depth >= 2) return out
  if (Array.isArray(value)) {
    out.push([...value, { unexpected: true }], [null, ...value])
    if (value.length > 0) for (const broken of breakings(value[0], depth + 1)) out.push([broken, ...value.slice(1)])
  } else if (typeof value === "object" && value !== null) {
    out.push({ ...value, unknownField: { any: "thing" } })
    for (const key of Object.keys(value)) {
      const { [key]: _, ...without } = value as Record<string, unknown>
      out.push(without, { ...value, [key]: null })
      for (const broken of breakings((value as Record<string, unknown>)[key], depth + 1)) out.push({ ...value, [key]: broken })
    }
  } else if (typeof value === "string") {
    out.push("Completed", "IN_PROGRESS", "in-progress", "SOMETHING_NEW", "")
  }
  return out
}

const responseSchemas = [
  ...new Map(
    allEndpoints.flatMap((e) => (e.success ? [[e.success, e.name] as [Schema.Schema<any, any>, string]] : []))
  ).entries()
]

describe("compiled response decoders", () => {
  it("cover every response schema of the table", () => {
    for (const [schema, name] of responseSchemas) expect(fastDecoderOf(schema), name).toBeDefined()
  })

  it("agree with Effect's decoder on real shapes: PascalCase enums, unknown values, nulls, unknown fields", () => {
    const getRun = allEndpoints.find((e) => e.name === "getEvaluationRun")!.success as Schema.Schema<any, any>
    const run = runJson("Completed", { progress: null, summary: null, extra: { kept: false }, errorMessage: null })
    const fast = fastDecoderOf(getRun)!(run)
    expect(fast).not.toBe(FAIL)
    expect(fast).toEqual(Either.getOrThrow(Schema.decodeUnknownEither(getRun, options)(run)))
    expect((fast as { status: string }).status).toBe("COMPLETED")
    expect((fast as Record<string, unknown>).extra).toBeUndefined()
    const unknown = fastDecoderOf(getRun)!(runJson("QUEUED_SOMEWHERE"))
    expect((unknown as { status: string }).status).toBe("QUEUED_SOMEWHERE")
    const samples = allEndpoints.find((e) => e.name === "listDatasetSamples")!.success as Schema.Schema<any, any>
    const page = { items: [sampleJson(DATASET_A)], nextPageToken: null }
    expect(fastDecoderOf(samples)!(page)).toEqual(Either.getOrThrow(Schema.decodeUnknownEither(samples, options)(page)))
  })

  for (const [schema, name] of responseSchemas) {
    it(`${name}: a value only when Effect's decoder gives the same one`, () => {
      const fast = fastDecoderOf(schema)!
      const full = Schema.decodeUnknownEither(schema, options)
      const wire = FastCheck.sample(Arbitrary.make(Schema.encodedSchema(schema)), { numRuns: 12, seed: 11 })
      let taken = 0
      let refused = 0
      for (const value of wire) {
        for (const candidate of [value, ...breakings(value)]) {
          const mine = fast(candidate)
          const theirs = full(candidate)
          if (mine === FAIL) {
            refused++
            continue
          }
          taken++
          expect(Either.isRight(theirs), JSON.stringify(candidate)).toBe(true)
          expect(mine).toEqual(Either.getOrThrow(theirs))
        }
        // The decoder the client runs: the same answer as Effect's, refusals included.
        const both = decodeResponse(schema)(value)
        expect(Either.isRight(both)).toBe(Either.isRight(full(value)))
      }
      expect(taken).toBeGreaterThan(0)
      expect(refused).toBeGreaterThan(0)
    })
  }
})

describe("compiled response encoders", () => {
  it("cover every response schema of the table", () => {
    for (const [schema, name] of responseSchemas) expect(fastEncoderOf(schema), name).toBeDefined()
  })

  for (const [schema, name] of responseSchemas) {
    it(`${name}: a wire value only when Effect's encoder gives the same one`, () => {
      const fast = fastEncoderOf(schema)!
      const full = Schema.encodeUnknownEither(schema)
      // Values of the type as a server holds them: generated wire values, decoded (the type side's own
      // arbitrary builds values of hundreds of KB through the recursive trace steps).
      const values = FastCheck.sample(Arbitrary.make(Schema.encodedSchema(schema)), { numRuns: 12, seed: 17 })
        .map((wire) => Schema.decodeUnknownEither(schema, options)(wire))
        .filter(Either.isRight)
        .map((decoded) => decoded.right)
      let taken = 0
      let refused = 0
      for (const value of values) {
        for (const candidate of [value, ...breakings(value)]) {
          const before = JSON.stringify(candidate)
          const mine = fast(candidate)
          // The caller's value is never changed (field steps work on a copy).
          expect(JSON.stringify(candidate)).toBe(before)
          const theirs = full(candidate)
          if (mine === FAIL) {
            refused++
            continue
          }
          taken++
          expect(Either.isRight(theirs), before).toBe(true)
          expect(mine).toEqual(Either.getOrThrow(theirs))
        }
        expect(encodeSync(schema)(value)).toEqual(Either.getOrThrow(full(value)))
      }
      expect(taken).toBeGreaterThan(0)
      expect(refused).toBeGreaterThan(0)
    })
  }

  it("encodeSuccess answers a value the compiled encoder refuses with Effect's own error", () => {
    const getRun = allEndpoints.find((e) => e.name === "getEvaluationRun")!
    expect(() => RequestDecoding.encodeSuccess(getRun, { id: 7 })).toThrow(/id/)
  })
})
