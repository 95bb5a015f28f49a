import { describe, expect, it } from "vitest"
import type { Key } from "ink"
import { Command, commandTable, matches } from "./bindings.js"
import { footerText } from "../components/Footer.js"
import { helpRows } from "../components/HelpOverlay.js"
import { editText } from "./text-editing.js"

const none: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false
} as Key

describe("the command table", () => {
  it("matches printable bindings exactly and keys by name", () => {
    expect(matches(Command.Run, "r", none)).toBe(true)
    expect(matches(Command.Reload, "r", none)).toBe(false)
    expect(matches(Command.Reload, "R", { ...none, shift: true })).toBe(true)
    expect(matches(Command.Up, "k", none)).toBe(true)
    expect(matches(Command.Up, "", { ...none, upArrow: true })).toBe(true)
    // Ink reports Esc with meta set; it is still Back.
    expect(matches(Command.Back, "", { ...none, escape: true, meta: true })).toBe(true)
    expect(matches(Command.Quit, "q", { ...none, ctrl: true })).toBe(false)
  })

  it("writes the footer and the help from the table, global keys last", () => {
    expect(footerText([Command.Open, Command.Quit])).toBe("Enter open · ? help · Esc back · q quit")
    const rows = helpRows([Command.Sort])
    expect(rows[0]).toEqual(["s", commandTable[Command.Sort].description])
    expect(rows.map(([k]) => k)).toEqual(["s", "?", "Esc", "q"])
  })

  it("gives no two commands of one screen the same key", () => {
    // The screens' command sets, as they register them; a clash would make one of the two unreachable.
    const screens: Array<Array<Command>> = [
      [Command.Up, Command.Down, Command.NextSection, Command.Open, Command.DraftTest, Command.Evaluate, Command.History, Command.Reload, Command.EditDraft, Command.EvaluateDraft, Command.NewDataset],
      [Command.Up, Command.Down, Command.Open, Command.Left, Command.Right, Command.Toggle, Command.AddParameter, Command.RemoveParameter, Command.RenameParameter, Command.EditMultiline, Command.Run, Command.NextSection, Command.StartDraft],
      [Command.Up, Command.Down, Command.Open, Command.SaveDraft, Command.ExternalEditor, Command.EvaluateDraft, Command.DraftTest, Command.Reload],
      [Command.Up, Command.Down, Command.Expand, Command.Collapse, Command.Open, Command.Run, Command.EditForm, Command.NextSection, Command.Curate, Command.Reload, Command.ViewResponse, Command.PageUp, Command.PageDown],
      [Command.NextSection, Command.CancelRun, Command.Reload, Command.Up, Command.Down, Command.Sort, Command.Open, Command.SaveRevision, Command.Deploy],
      [Command.Up, Command.Down, Command.Open, Command.NextPage, Command.PreviousPage, Command.Reload, Command.Toggle, Command.Compare]
    ]
    for (const commands of screens) {
      const labels = [...commands, Command.Help, Command.Back, Command.Quit].flatMap((c) => commandTable[c].bindings.map((b) => b.label))
      expect(new Set(labels).size).toBe(labels.length)
    }
  })
})

describe("editing text with a cursor", () => {
  const edit = (value: string, cursor: number, input: string, key: Partial<Key> = {}, multiline = false) =>
    editText({ value, cursor }, input, { ...none, ...key }, { multiline })

  it("moves by character, to the ends and by line; types and deletes at the cursor", () => {
    expect(edit("abc", 3, "", { leftArrow: true })?.state.cursor).toBe(2)
    expect(edit("abc", 3, "", { rightArrow: true })?.state.cursor).toBe(3)
    expect(edit("abc", 2, "a", { ctrl: true })?.state.cursor).toBe(0)
    expect(edit("abc", 0, "e", { ctrl: true })?.state.cursor).toBe(3)
    expect(edit("abc", 2, "", { home: true })?.state.cursor).toBe(0)
    expect(edit("abc", 0, "", { end: true })?.state.cursor).toBe(3)
    expect(edit("abc", 1, "X")?.state).toEqual({ value: "aXbc", cursor: 2 })
    expect(edit("abc", 1, "", { backspace: true })?.state).toEqual({ value: "bc", cursor: 0 })
    expect(edit("abcd", 4, "\x7f\x7f")?.state).toEqual({ value: "ab", cursor: 2 })
    expect(edit("abc", 3, "", { upArrow: true })).toBeUndefined()
  })

  it("deletes a word, to the start and to the end of the line", () => {
    expect(edit("say hello world", 15, "w", { ctrl: true })?.state).toEqual({ value: "say hello ", cursor: 10 })
    expect(edit("say hello  ", 11, "w", { ctrl: true })?.state).toEqual({ value: "say ", cursor: 4 })
    expect(edit("say hello", 4, "u", { ctrl: true })?.state).toEqual({ value: "hello", cursor: 0 })
    expect(edit("say hello", 3, "k", { ctrl: true })?.state).toEqual({ value: "say", cursor: 3 })
  })

  it("keeps a multi-line paste whole, and takes text then one Enter as typing then Enter", () => {
    const pasted = edit("", 0, '{\n  "a": 1\n}')
    expect(pasted).toEqual({ state: { value: '{\n  "a": 1\n}', cursor: 12 } })
    expect(edit("", 0, "invoice?\r")).toEqual({ state: { value: "invoice?", cursor: 8 }, then: "submit" })
    expect(edit("x", 1, "", { return: true })?.then).toBe("submit")
    expect(edit("x", 1, "", { escape: true })?.then).toBe("cancel")
  })

  it("edits several lines: Enter is a new line, ↑/↓ keep the column, Ctrl-D is done", () => {
    expect(edit("ab", 1, "", { return: true }, true)).toEqual({ state: { value: "a\nb", cursor: 2 } })
    expect(edit("abc\nde", 6, "", { upArrow: true }, true)?.state.cursor).toBe(2)
    expect(edit("abc\nde", 3, "", { downArrow: true }, true)?.state.cursor).toBe(6)
    expect(edit("abc\nde", 5, "", { home: true }, true)?.state.cursor).toBe(4)
    expect(edit("a", 1, "d", { ctrl: true }, true)?.then).toBe("submit")
  })
})
