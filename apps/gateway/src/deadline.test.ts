import { describe, expect, it } from "vitest"
import { Deadline, DeadlineSweeper } from "./deadline.js"

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe("DeadlineSweeper", () => {
  it("aborts a deadline once it is due, with its reason, and forgets it", async () => {
    const sweeper = new DeadlineSweeper(5, (ms) => new Error(`late (${ms} ms)`))
    const deadline = sweeper.start(20)
    let heard = 0
    deadline.addEventListener("abort", () => heard++)
    expect(deadline.aborted).toBe(false)
    await sleep(60)
    expect(deadline.aborted).toBe(true)
    expect((deadline.reason as Error).message).toBe("late (20 ms)")
    expect(heard).toBe(1)
    expect(sweeper.size).toBe(0)
  })

  it("never aborts a deadline whose request is done, wherever it sits in the list", async () => {
    const sweeper = new DeadlineSweeper(5, (ms) => `reason ${ms - 20}`)
    const opened = Array.from({ length: 5 }, (_, i) => sweeper.start(20 + i))
    // Done: the newest (head), one in the middle, the oldest (tail); twice for one of them.
    for (const index of [4, 2, 0, 2]) opened[index]!.done()
    expect(sweeper.size).toBe(2)
    await sleep(60)
    expect(opened.map((o) => o.aborted)).toEqual([false, true, false, true, false])
    expect(opened[1]!.reason).toBe("reason 1")
    expect(opened[3]!.reason).toBe("reason 3")
    expect(sweeper.size).toBe(0)
  })

  it("a removed listener is not called", async () => {
    const sweeper = new DeadlineSweeper(5, () => "late")
    const deadline = sweeper.start(10)
    const heard: Array<string> = []
    const first = () => heard.push("first")
    const second = () => heard.push("second")
    const third = () => heard.push("third")
    deadline.addEventListener("abort", first)
    deadline.addEventListener("abort", second)
    deadline.addEventListener("abort", third)
    deadline.removeEventListener("abort", first)
    deadline.removeEventListener("abort", third)
    deadline.removeEventListener("abort", third)
    await sleep(40)
    expect(deadline.aborted).toBe(true)
    expect(heard).toEqual(["second"])
  })

  it("calls every listener once, in the order they were added", async () => {
    const sweeper = new DeadlineSweeper(5, () => "late")
    const deadline = sweeper.start(10)
    const heard: Array<number> = []
    for (const n of [1, 2, 3]) deadline.addEventListener("abort", () => heard.push(n))
    await sleep(40)
    deadline.abort("again")
    expect(heard).toEqual([1, 2, 3])
    expect(deadline.reason).toBe("late")
  })
})

describe("Deadline.race", () => {
  it("settles as the work does while the deadline has not passed", async () => {
    const deadline = new Deadline()
    await expect(deadline.race(Promise.resolve())).resolves.toBeUndefined()
    await expect(new Deadline().race(Promise.reject(new Error("failed")))).rejects.toThrow("failed")
  })

  it("rejects with the reason when the deadline passes first (its listeners are told too), and ignores the work's late end", async () => {
    const deadline = new Deadline()
    const order: Array<string> = []
    let finish!: () => void
    const raced = deadline.race(new Promise<void>((resolve) => (finish = resolve))).catch((reason: unknown) => void order.push(`raced: ${String(reason)}`))
    deadline.addEventListener("abort", () => order.push("listener"))
    deadline.abort("late")
    finish()
    await raced
    expect(order).toEqual(["listener", "raced: late"])
    expect(deadline.aborted).toBe(true)
  })
})
