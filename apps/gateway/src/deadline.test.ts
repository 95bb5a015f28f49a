import { describe, expect, it } from "vitest"
import { DeadlineSweeper } from "./deadline.js"

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe("DeadlineSweeper", () => {
  it("aborts a deadline once it is due, with its reason, and forgets it", async () => {
    const sweeper = new DeadlineSweeper(5)
    const { deadline } = sweeper.start(20, () => new Error("late"))
    let heard = 0
    deadline.addEventListener("abort", () => heard++)
    expect(deadline.aborted).toBe(false)
    await sleep(60)
    expect(deadline.aborted).toBe(true)
    expect((deadline.reason as Error).message).toBe("late")
    expect(heard).toBe(1)
    expect(sweeper.size).toBe(0)
  })

  it("never aborts a deadline whose request is done, wherever it sits in the list", async () => {
    const sweeper = new DeadlineSweeper(5)
    const opened = Array.from({ length: 5 }, (_, i) => sweeper.start(20, () => `reason ${i}`))
    // Done: the newest (head), one in the middle, the oldest (tail); twice for one of them.
    for (const index of [4, 2, 0, 2]) opened[index]!.done()
    expect(sweeper.size).toBe(2)
    await sleep(60)
    expect(opened.map((o) => o.deadline.aborted)).toEqual([false, true, false, true, false])
    expect(opened[1]!.deadline.reason).toBe("reason 1")
    expect(opened[3]!.deadline.reason).toBe("reason 3")
    expect(sweeper.size).toBe(0)
  })

  it("a removed listener is not called", async () => {
    const sweeper = new DeadlineSweeper(5)
    const { deadline } = sweeper.start(10, () => "late")
    let heard = 0
    const listener = () => heard++
    deadline.addEventListener("abort", listener)
    deadline.removeEventListener("abort", listener)
    await sleep(40)
    expect(deadline.aborted).toBe(true)
    expect(heard).toBe(0)
  })
})
