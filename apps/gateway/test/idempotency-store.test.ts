import { describe, expect, it } from "vitest"
import { fingerprintOf, MemoryIdempotencyStore, type StoredResponse } from "../src/idempotency/store.js"

const ok = (text: string, status = 200): StoredResponse => ({ status, headers: {}, body: new TextEncoder().encode(text) })

describe("MemoryIdempotencyStore", () => {
  it("forgets an answer after its TTL", async () => {
    let now = 0
    const store = new MemoryIdempotencyStore({ ttlMs: 1000, now: () => now })
    let calls = 0
    const op = async () => ok(String(++calls))
    expect((await store.run("k", "f", op)).replayed).toBe(false)
    now = 999
    expect((await store.run("k", "f", op)).replayed).toBe(true)
    now = 1000
    const fresh = await store.run("k", "f", op)
    expect(fresh.replayed).toBe(false)
    expect(calls).toBe(2)
  })

  it("does not keep failures or 429s; concurrent waiters share a thrown error", async () => {
    const store = new MemoryIdempotencyStore({ ttlMs: 10_000 })
    await store.run("k429", "f", async () => ok("slow down", 429))
    expect(store.size).toBe(0)
    let fail!: (e: unknown) => void
    const first = store.run("kerr", "f", () => new Promise((_, reject) => (fail = reject)))
    const second = store.run("kerr", "f", async () => ok("never"))
    fail(new Error("boom"))
    await expect(first).rejects.toThrow("boom")
    await expect(second).rejects.toThrow("boom")
    expect(store.size).toBe(0)
  })

  it("evicts the oldest stored answers past maxEntries", async () => {
    const store = new MemoryIdempotencyStore({ ttlMs: 10_000, maxEntries: 2 })
    for (const k of ["a", "b", "c"]) await store.run(k, "f", async () => ok(k))
    expect(store.size).toBe(2)
    expect((await store.run("a", "f", async () => ok("a2"))).replayed).toBe(false)
  })

  it("fingerprints ignore key order but not values, paths or methods", () => {
    const a = fingerprintOf("POST", "/x", { a: 1, b: [1, { c: 2, d: 3 }] })
    expect(fingerprintOf("POST", "/x", { b: [1, { d: 3, c: 2 }], a: 1 })).toBe(a)
    expect(fingerprintOf("POST", "/x", { a: 2, b: [1, { c: 2, d: 3 }] })).not.toBe(a)
    expect(fingerprintOf("POST", "/y", { a: 1, b: [1, { c: 2, d: 3 }] })).not.toBe(a)
    expect(fingerprintOf("PUT", "/x", { a: 1, b: [1, { c: 2, d: 3 }] })).not.toBe(a)
  })
})
