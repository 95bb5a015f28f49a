/**
 * The group commit's timing (SampleResultWriter): results wait up to a short window for company, unless the
 * pool knows none will come. The store here records each commit it is asked for and resolves when told, so
 * the test sees exactly when the writer commits and what; the window's timer never fires (fake timers, never
 * advanced), so any commit seen was made without waiting for it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { SampleResultWriter } from "../src/evaluation/SampleResultWriter.js"
import type { RunSampleRow, RunStore } from "../src/store/RunStore.js"
import { sampleRow } from "./support.js"

/** A store whose commits are recorded (their sample indexes) and end only when `finish()` is called. */
const recordingStore = () => {
  const commits: Array<Array<number>> = []
  const ends: Array<() => void> = []
  const store = {
    saveSampleResults: (entries: ReadonlyArray<{ readonly row: RunSampleRow }>) => {
      commits.push(entries.map((entry) => entry.row.sampleIndex))
      return new Promise<ReadonlyArray<string>>((resolve) => ends.push(() => resolve([])))
    }
  } as unknown as RunStore
  return { store, commits, finish: () => ends.shift()?.() }
}

/** Lets every queued promise reaction run (no timer involved). */
const settle = () => new Promise<void>((resolve) => queueMicrotask(resolve)).then(() => Promise.resolve())

describe("SampleResultWriter.commitWaitingNow", () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  it("commits results that wait for company at once, without waiting out the window", async () => {
    const { store, commits, finish } = recordingStore()
    const writer = new SampleResultWriter()
    const saved = [writer.save(store, "run", sampleRow(0)), writer.save(store, "run", sampleRow(1))]
    await settle()
    expect(commits).toEqual([])
    writer.commitWaitingNow()
    expect(commits).toEqual([[0, 1]])
    finish()
    await Promise.all(saved)
  })

  it("does nothing when no result waits", async () => {
    const { store, commits } = recordingStore()
    const writer = new SampleResultWriter()
    writer.commitWaitingNow()
    await settle()
    expect(commits).toEqual([])
    // And it leaves no urgency behind: a later result waits for company again.
    void writer.save(store, "run", sampleRow(0))
    await settle()
    expect(commits).toEqual([])
  })

  it("keeps the urgency for results waiting on their store's commit in flight: they commit when it ends", async () => {
    const { store, commits, finish } = recordingStore()
    const writer = new SampleResultWriter()
    const first = writer.save(store, "run", sampleRow(0), true)
    expect(commits).toEqual([[0]])
    const second = writer.save(store, "run", sampleRow(1))
    writer.commitWaitingNow()
    // One commit per store at a time: the second waits for the first...
    expect(commits).toEqual([[0]])
    finish()
    await first
    await settle()
    // ...and goes as soon as it ends, not at the end of the window.
    expect(commits).toEqual([[0], [1]])
    finish()
    await second
  })
})
