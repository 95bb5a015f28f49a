import { describe, expect, it } from "vitest"
import type { Key } from "ink"
import { Command, commandTable, matches } from "./bindings.js"
import { footerText } from "../components/Footer.js"
import { helpRows } from "../components/HelpOverlay.js"
import { editLine } from "./useTextInput.js"

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
      [Command.Up, Command.Down, Command.NextSection, Command.Open, Command.DraftTest, Command.Evaluate, Command.History, Command.Reload],
      [Command.Up, Command.Down, Command.Open, Command.Left, Command.Right, Command.Toggle, Command.AddParameter, Command.RemoveParameter, Command.Run, Command.NextSection],
      [Command.Up, Command.Down, Command.Expand, Command.Collapse, Command.Open, Command.Run, Command.EditForm, Command.NextSection, Command.Curate, Command.Reload, Command.ViewResponse, Command.PageUp, Command.PageDown],
      [Command.NextSection, Command.CancelRun, Command.Reload, Command.Up, Command.Down, Command.Sort, Command.Open],
      [Command.Up, Command.Down, Command.Open, Command.NextPage, Command.PreviousPage, Command.Reload]
    ]
    for (const commands of screens) {
      const labels = [...commands, Command.Help, Command.Back, Command.Quit].flatMap((c) => commandTable[c].bindings.map((b) => b.label))
      expect(new Set(labels).size).toBe(labels.length)
    }
  })
})

describe("editing a line", () => {
  it("types, deletes, clears and ignores navigation keys", () => {
    expect(editLine("ab", "c", none)).toBe("abc")
    expect(editLine("abc", "", { ...none, backspace: true })).toBe("ab")
    expect(editLine("abcd", "\x7f\x7f", none)).toBe("ab")
    expect(editLine("abc", "u", { ...none, ctrl: true })).toBe("")
    expect(editLine("abc", "", { ...none, upArrow: true })).toBeUndefined()
    expect(editLine("a", "b\nc", none)).toBe("ab c")
  })
})
