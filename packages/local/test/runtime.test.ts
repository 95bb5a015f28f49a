import * as Either from "effect/Either"
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { DeadlineExceeded, withDeadline } from "../src/runtime/deadline.js"
import { parseFlow } from "../src/runtime/flow-definition.js"
import { interpolate, interpolateDeep } from "../src/runtime/template.js"
import * as SecretBox from "../src/store/SecretBox.js"
import { tempDir } from "./support.js"

describe("templates", () => {
  it("interpolates parameters, step outputs and dotted paths; missing names become empty", () => {
    const scope = { name: "Ada", user: { id: 7 }, steps: { a: "out" }, last: "L" }
    expect(interpolate("Hi {{name}} #{{ user.id }} {{steps.a}} {{last}} [{{nope}}]", scope)).toBe("Hi Ada #7 out L []")
    expect(interpolate("{{user}}", scope)).toBe('{"id":7}')
    expect(interpolateDeep({ q: "{{name}}", n: [1, "{{last}}"] }, scope)).toEqual({ q: "Ada", n: [1, "L"] })
  })
})

describe("flow definitions", () => {
  it("accepts the documented steps and names the path of what it refuses", () => {
    expect(Either.isRight(parseFlow({ steps: [{ type: "template", template: "x" }, { type: "llm", prompt: "p" }] }))).toBe(true)
    const bad = parseFlow({ steps: [{ type: "http", url: "file:///etc/passwd" }] })
    expect(Either.isLeft(bad) && bad.left[0]!.path.startsWith("flow.steps[0]")).toBe(true)
    expect(Either.isLeft(parseFlow({ steps: [] }))).toBe(true)
    expect(Either.isLeft(parseFlow({ steps: [{ type: "template", template: "x", extra: 1 }] }))).toBe(true)
  })
})

describe("deadlines", () => {
  it("rejects with DeadlineExceeded when the time is up, and aborts the call's signal", async () => {
    let seen: AbortSignal | undefined
    const started = Date.now()
    const error = await withDeadline(undefined, 50, (signal) => {
      seen = signal
      return new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted"))))
    }).catch((e) => e)
    expect(error).toBeInstanceOf(DeadlineExceeded)
    expect(seen?.aborted).toBe(true)
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it("passes the parent's cancellation through, and the call's own errors unchanged", async () => {
    const parent = new AbortController()
    const pending = withDeadline(parent.signal, 10_000, (signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))))
    parent.abort(new Error("cancelled"))
    await expect(pending).rejects.toThrow("cancelled")
    await expect(withDeadline(undefined, 1_000, async () => { throw new Error("own") })).rejects.toThrow("own")
    await expect(withDeadline(undefined, 1_000, async () => 42)).resolves.toBe(42)
  })
})

describe("secret box", () => {
  it("seals with AES-GCM under a key file in the data dir and opens with the same dir only", () => {
    const dir = tempDir()
    const box = SecretBox.open(dir)
    const sealed = box.seal('{"api_key":"sk-123"}')
    expect(sealed).not.toContain("sk-123")
    expect(sealed.startsWith("v1.")).toBe(true)
    expect(box.seal("same")).not.toBe(box.seal("same"))
    expect(SecretBox.open(dir).open(sealed)).toBe('{"api_key":"sk-123"}')
    expect((fs.statSync(path.join(dir, "secret.key")).mode & 0o777).toString(8)).toBe("600")
    expect(() => SecretBox.open(tempDir()).open(sealed)).toThrow()
    const tampered = sealed.slice(0, -2) + (sealed.endsWith("A") ? "BB" : "AA")
    expect(() => box.open(tampered)).toThrow()
  })
})

describe("transient runs", () => {
  it("keep at most MAX_ENDED_TRANSIENT_RUNS ended runs, dropping the oldest, never an active one", async () => {
    const { makeTransientRunStore, MAX_ENDED_TRANSIENT_RUNS } = await import("../src/store/TransientRunStore.js")
    const store = makeTransientRunStore()
    const run = (id: string, status: string) =>
      ({ id, tenantId: "t", agentId: "a", status, sampleIds: [], leaseOwner: null, leaseExpiresAt: 0 }) as never
    await store.insert(run("active", "PENDING"))
    for (let i = 0; i < MAX_ENDED_TRANSIENT_RUNS + 5; i++) await store.insert(run(`ended-${i}`, "COMPLETED"))
    expect(store.has("active")).toBe(true)
    expect(store.has("ended-0")).toBe(false)
    expect(store.has("ended-4")).toBe(false)
    expect(store.has("ended-5")).toBe(true)
    expect(store.has(`ended-${MAX_ENDED_TRANSIENT_RUNS + 4}`)).toBe(true)
  })

  it("keep ended runs within a byte bound too: the oldest completed ones are dropped once their results pass it", async () => {
    const { makeTransientRunStore } = await import("../src/store/TransientRunStore.js")
    const store = makeTransientRunStore({ maxEndedBytes: 250_000 })
    const big = "x".repeat(100_000)
    for (let i = 0; i < 4; i++) {
      const id = `run-${i}`
      await store.insert({ id, tenantId: "t", agentId: "a", status: "PENDING", sampleIds: ["s"], totalSamples: 1, startedAt: 0, leaseOwner: null, leaseExpiresAt: 0 } as never)
      await store.claim("me", Date.now(), 10_000, 10)
      const row = { sampleIndex: 0, sampleId: "s", failed: false, result: { sampleId: "s", sampleIndex: 0, parameters: { big }, llmEvaluation: { score: 5, overallAssessment: "SAME", concernsRisks: [], keyImprovements: [] }, systemEvaluation: { baseRuntimeMs: 1, candidateRuntimeMs: 1, baseCost: 0, candidateCost: 0 } } }
      expect(await store.saveSampleResults([{ runId: id, row: row as never }], Date.now())).toEqual([id])
    }
    // Four ended runs of ≈100 KB each under a 250 KB bound: the two oldest are gone.
    expect([0, 1, 2, 3].map((i) => store.has(`run-${i}`))).toEqual([false, false, true, true])
  })
})
