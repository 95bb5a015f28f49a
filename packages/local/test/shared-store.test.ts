/** The idempotency records gateways share through PostgreSQL (`openSharedStore`), as two gateways would use them. */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openSharedStore, type SharedStore } from "../src/index.js"
import { createDatabase } from "./postgres.js"

const answer = (text: string) => ({ status: 200, headers: { "content-type": "application/json" }, body: new TextEncoder().encode(text) })

describe("openSharedStore on one PostgreSQL database, two gateways", () => {
  let clock = Date.now()
  let a: SharedStore
  let b: SharedStore

  beforeAll(async () => {
    const url = await createDatabase()
    a = await openSharedStore(url, { now: () => clock })
    b = await openSharedStore(url, { now: () => clock })
  })
  afterAll(async () => {
    await a.close()
    await b.close()
  })

  it("lets exactly one of many concurrent claims of a key win, across both", async () => {
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claim("tenant/k-race", "fp")))
    expect(claims.filter((c) => c.claimed)).toHaveLength(1)
    for (const lost of claims.filter((c) => !c.claimed)) {
      expect(lost.claimed === false && lost.record.state).toBe("running")
    }
  })

  it("replays the stored answer on the other gateway, bytes and status as stored", async () => {
    const first = await a.claim("tenant/k-replay", "fp-1")
    if (!first.claimed) throw new Error("first claim lost")
    const waiting = b.awaitIdempotencyRecord("tenant/k-replay", 5_000)
    expect(await a.putIdempotencyRecord("tenant/k-replay", first.token, answer('{"id":"s1"}'))).toBe(true)
    const replayed = await waiting
    expect(replayed?.state).toBe("stored")
    expect(replayed?.response?.status).toBe(200)
    expect(new TextDecoder().decode(replayed?.response?.body)).toBe('{"id":"s1"}')
    const again = await b.claim("tenant/k-replay", "fp-2")
    expect(again.claimed).toBe(false)
    // The gateway compares fingerprints: a key reused for another request is its 409.
    expect(again.claimed === false && again.record.fingerprint).toBe("fp-1")
  })

  it("only the claimer stores; a released claim frees the key for a retry", async () => {
    const first = await a.claim("tenant/k-release", "fp")
    if (!first.claimed) throw new Error("first claim lost")
    expect(await b.putIdempotencyRecord("tenant/k-release", "not-the-token", answer("x"))).toBe(false)
    await a.releaseIdempotencyClaim("tenant/k-release", first.token)
    expect(await b.getIdempotencyRecord("tenant/k-release")).toBeUndefined()
    expect((await b.claim("tenant/k-release", "fp")).claimed).toBe(true)
  })

  it("forgets a stored answer after 24 h and a claim nobody completed after its running TTL", async () => {
    const first = await a.claim("tenant/k-expiry", "fp")
    if (!first.claimed) throw new Error("first claim lost")
    await a.putIdempotencyRecord("tenant/k-expiry", first.token, answer("old"))
    const stuck = await a.claim("tenant/k-stuck", "fp")
    expect(stuck.claimed).toBe(true)
    clock += 61_000
    expect((await b.claim("tenant/k-stuck", "fp")).claimed).toBe(true)
    expect((await b.getIdempotencyRecord("tenant/k-expiry"))?.state).toBe("stored")
    clock += 24 * 60 * 60 * 1000
    expect(await b.getIdempotencyRecord("tenant/k-expiry")).toBeUndefined()
    expect((await b.claim("tenant/k-expiry", "fp-new")).claimed).toBe(true)
  })

  it("shares one token bucket per key across both: concurrent draws never overspend, time refills", async () => {
    const draws = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).takeRateLimitToken("key-1", 2, 5)))
    expect(draws.filter((wait) => wait === 0)).toHaveLength(5)
    // Empty: the next token is half a second away at 2 a second.
    for (const wait of draws.filter((w) => w > 0)) {
      expect(wait).toBeGreaterThan(0)
      expect(wait).toBeLessThanOrEqual(0.5)
    }
    expect(await a.takeRateLimitToken("key-2", 2, 5)).toBe(0)
    clock += 1000
    expect([await a.takeRateLimitToken("key-1", 2, 5), await b.takeRateLimitToken("key-1", 2, 5)]).toEqual([0, 0])
    expect(await a.takeRateLimitToken("key-1", 2, 5)).toBeGreaterThan(0)
    expect(() => a.takeRateLimitToken("key-1", 0, 5)).toThrow(/perSecond/)
  })
})
