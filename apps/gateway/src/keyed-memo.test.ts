import { describe, expect, it } from "vitest"
import { KeyedMemo } from "./keyed-memo.js"

describe("KeyedMemo", () => {
  it("keeps values apart by both keys, and empties itself when full", () => {
    const memo = new KeyedMemo<number>(3)
    memo.set("GET", "/a", 1)
    memo.set("POST", "/a", 2)
    memo.set("GET", "/b", 3)
    memo.set("GET", "/b", 4) // a replacement, not a new entry
    expect([memo.get("GET", "/a"), memo.get("POST", "/a"), memo.get("GET", "/b"), memo.get("POST", "/b")]).toEqual([1, 2, 4, undefined])
    memo.set("GET", "/c", 5) // the fourth distinct pair: emptied first
    expect([memo.get("GET", "/a"), memo.get("POST", "/a"), memo.get("GET", "/c")]).toEqual([undefined, undefined, 5])
  })

  it("with a size of 0 remembers nothing", () => {
    const memo = new KeyedMemo<number>(0)
    memo.set("GET", "/a", 1)
    expect(memo.get("GET", "/a")).toBeUndefined()
  })
})
