/**
 * The text acceptor only ever short-cuts a success: whenever it says yes to a
 * body's text, decoding the parsed text (`decodeRequest`, as servers run it)
 * succeeds with the very value `JSON.parse` gives, and the decoded request
 * it stands for is the same. Checked on generated valid bodies of every
 * endpoint, on those bodies broken in the ways clients break them, on their
 * text broken character by character, and on the spellings JSON allows
 * that the text acceptor reads differently from JSON.parse.
 */
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { breakings } from "./client-mistakes.js"
import { acceptorOf } from "../src/Acceptor.js"
import { jsonTextAcceptorOf, UUID_PATTERN } from "../src/JsonTextAcceptor.js"
import { allEndpoints, Endpoints, type Endpoint, RequestDecoding } from "../src/index.js"

const bodied = allEndpoints.filter((e) => e.body !== undefined)

/** The full decoding of a body as the value path does it (what the gateway did for every body before). */
const decodeParsed = (endpoint: Endpoint.Any, text: string) => {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return "not JSON"
  }
  return RequestDecoding.decodeRequest(endpoint, { params: {}, query: new URLSearchParams(), body, ifMatch: undefined })
}

/** The decoding of a body the text acceptor said yes to. */
const decodeAccepted = (endpoint: Endpoint.Any, text: string) =>
  RequestDecoding.decodeRequest(endpoint, { params: {}, query: new URLSearchParams(), body: undefined, acceptedBodyText: text, ifMatch: undefined })

/** A yes must mean: the parsed text decodes, to itself, and the decoded requests agree. */
const expectSound = (endpoint: Endpoint.Any, text: string): boolean => {
  if (!RequestDecoding.acceptsBodyText(endpoint, text)) return false
  const full = decodeParsed(endpoint, text)
  expect(full !== "not JSON" && Either.isRight(full), text).toBe(true)
  const decoded = Either.getOrThrow(full as Either.Either<RequestDecoding.DecodedRequest, unknown>)
  expect(decoded.body, text).toEqual(JSON.parse(text))
  const accepted = Either.getOrThrow(decodeAccepted(endpoint, text))
  expect(accepted.body, text).toEqual(decoded.body)
  expect(JSON.parse(JSON.stringify(accepted)), text).toEqual(JSON.parse(JSON.stringify(decoded)))
  return true
}

/** Whether JSON.stringify writes some key of the value with an escape. */
const keyNeedsEscape = (value: unknown): boolean =>
  typeof value === "object" && value !== null &&
  Object.entries(value).some(([key, inner]) => JSON.stringify(key).includes("\\") || keyNeedsEscape(inner))

/** A small deterministic generator (the same mutations every run). */
const random = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff
  return seed / 0x80000000
}

/** Characters that change JSON's meaning when put in the wrong place. */
const NOISE = ['"', "\\", ",", ":", "{", "}", "[", "]", " ", "\n", "0", "1", "-", ".", "e", "+", "a", "n", "t", "f", "é", "\u0001", "\ufeff", "u"]

/** The text broken one character at a time: deleted, inserted, replaced, duplicated, cut short. */
const mutations = (text: string, next: () => number, count: number): Array<string> => {
  const out: Array<string> = []
  for (let n = 0; n < count; n++) {
    const at = Math.floor(next() * (text.length + 1))
    const noise = NOISE[Math.floor(next() * NOISE.length)]!
    switch (n % 5) {
      case 0:
        out.push(text.slice(0, at) + text.slice(at + 1))
        break
      case 1:
        out.push(text.slice(0, at) + noise + text.slice(at))
        break
      case 2:
        out.push(text.slice(0, at) + noise + text.slice(at + 1))
        break
      case 3:
        out.push(text.slice(0, at) + text.slice(at - 1))
        break
      default:
        out.push(text.slice(0, at))
    }
  }
  return out
}

describe("text acceptor", () => {
  it("covers every request body the value acceptor covers", () => {
    for (const endpoint of bodied) {
      const schema = endpoint.body as Schema.Schema.Any
      expect(jsonTextAcceptorOf(schema) !== undefined, endpoint.name).toBe(acceptorOf(schema) !== undefined)
      expect(jsonTextAcceptorOf(schema), endpoint.name).toBeDefined()
    }
  })

  for (const endpoint of bodied) {
    const schema = endpoint.body as Schema.Schema<any, any>
    it(`${endpoint.name}: yes only when the parsed text decodes to itself, and yes to valid bodies`, () => {
      const valid = FastCheck.sample(Arbitrary.make(schema), { numRuns: 30, seed: 11 })
      const next = random(endpoint.name.length)
      let accepted = 0
      let refused = 0
      for (const value of valid) {
        const text = JSON.stringify(value)
        // A valid body as JSON.stringify writes it is taken on its text (else it is only slower), unless a
        // key needed an escape (the acceptor compares keys as written).
        if (!keyNeedsEscape(value)) expect(expectSound(endpoint, text), text).toBe(true)
        accepted++
        const candidates = [
          ...breakings(value).map((broken) => JSON.stringify(broken) ?? "undefined"),
          ...mutations(text, next, 60),
          ` \n${text}\t `,
          `\ufeff${text}`,
          text.replace(/^\{"(\w+)":/, '{"$1":null,"$1":')
        ]
        for (const candidate of candidates) if (!expectSound(endpoint, candidate)) refused++
      }
      expect(accepted).toBe(30)
      expect(refused).toBeGreaterThan(0)
    })
  }

  it("declines what it does not read, and the decoder still settles it", () => {
    const add = Endpoints.addToDatasets
    const yes = (text: string) => RequestDecoding.acceptsBodyText(add, text)
    expect(yes('{"quality":"GOOD"}')).toBe(true)
    // JSON.parse would take these, but the text acceptor leaves them to the decoder.
    expect(yes('{"\\u0071uality":"GOOD"}')).toBe(false) // a key with an escape
    expect(yes('\ufeff{"quality":"GOOD"}')).toBe(false) // a BOM (TextDecoder removes it; the caller's parse decides)
    expect(yes('{"quality":"GO\\u004fD"}')).toBe(false) // a literal spelled otherwise
    // Refused by JSON.parse or by the schema: never a yes.
    for (const text of ['{"quality":"GOOD",}', '{"quality":"GOOD"} x', "{", '{"tags":["a\u0001"]}', '{"tags":[01]}', '{"extra":1}', "null", "[]", '{"datasetIds":["nope"]}']) {
      expect(yes(text), text).toBe(false)
    }
    // A key twice: each value must be accepted (JSON.parse keeps the last).
    expect(yes('{"quality":"GREAT","quality":"GOOD"}')).toBe(false)
    expect(yes('{"quality":"GOOD","quality":"BAD"}')).toBe(true)
  })

  it("reads Effect's UUID on the text exactly as Effect's pattern does", () => {
    // The pattern readUuid implements is still Effect's.
    const annotation = Schema.UUID.ast.annotations[Symbol.for("effect/SchemaId/Pattern")] as { regex: RegExp }
    expect(annotation.regex.source).toBe(UUID_PATTERN)
    const uuid = new RegExp(UUID_PATTERN)
    const good = "6f1c1a9e-7a53-4d7e-9a53-0a5e7c1d2b3f"
    const candidates = [good, good.toUpperCase(), "00000000-0000-0000-0000-000000000000", "", good.slice(1), `${good}0`, `${good}\n`]
    for (let i = 0; i < good.length; i++) {
      for (const c of ["-", "0", "f", "F", "g", "G", "x", " ", "é", "٣", "\u0000"]) candidates.push(good.slice(0, i) + c + good.slice(i + 1))
    }
    const next = random(3)
    for (let n = 0; n < 300; n++) candidates.push(Array.from({ length: 36 }, () => "0123456789abcdefABCDEF-g"[Math.floor(next() * 24)]).join(""))
    let accepted = 0
    for (const candidate of candidates) {
      const text = JSON.stringify({ datasetIds: [candidate] })
      const yes = RequestDecoding.acceptsBodyText(Endpoints.addToDatasets, text)
      expect([candidate, yes]).toEqual([candidate, uuid.test(candidate)])
      if (yes) accepted++
    }
    expect(accepted).toBeGreaterThan(40)
    // Written with escapes: declined (the decoder accepts it).
    expect(RequestDecoding.acceptsBodyText(Endpoints.addToDatasets, `{"datasetIds":["\\u0036${good.slice(1)}"]}`)).toBe(false)
    expect(expectSound(Endpoints.addToDatasets, `{"datasetIds":["${good}"]}`)).toBe(true)
  })

  it("holds the depth limit on free-form values, at exactly 64 levels", () => {
    const evaluate = Endpoints.evaluate
    const nested = (levels: number) => {
      let value = "1"
      for (let i = 0; i < levels; i++) value = `{"a":${value}}`
      return value
    }
    // The body is level 1 and `agent` level 2: 62 more levels reach 64.
    expect(expectSound(evaluate, `{"agent":${nested(63)}}`)).toBe(true)
    expect(RequestDecoding.acceptsBodyText(evaluate, `{"agent":${nested(64)}}`)).toBe(false)
    expect(Either.isLeft(decodeParsed(evaluate, `{"agent":${nested(64)}}`) as Either.Either<unknown, unknown>)).toBe(true)
  })

  it("parses an accepted body only when it is read", () => {
    const text = '{"datasetIds":["11111111-1111-4111-8111-111111111111"],"tags":["a"]}'
    const decoded = Either.getOrThrow(decodeAccepted(Endpoints.addToDatasets, text))
    const first = decoded.body
    expect(first).toEqual(JSON.parse(text))
    expect(decoded.body).toBe(first) // once
  })
})
