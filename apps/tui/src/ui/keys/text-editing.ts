/**
 * Editing text with a cursor, as a pure function of the key: the one model
 * behind every text field and the multi-line editor (keys go through
 * useTextInput). The cursor is an index into the value.
 *
 * - ←/→, Home/End, Ctrl-A/Ctrl-E move; ↑/↓ move between lines (multi-line);
 * - Backspace deletes before the cursor (terminals send the same byte for
 *   Delete), Ctrl-W the word before it, Ctrl-U to the start of the line,
 *   Ctrl-K to its end;
 * - typed or pasted text goes in at the cursor. Pasted text keeps its
 *   newlines: a chunk with a newline followed by more text is a paste, since
 *   nobody types Enter and more keys within one read. A chunk ending in one
 *   Enter is typing ahead: the text, then Enter;
 * - Enter submits a one-line field; in the multi-line editor it is a new
 *   line, and Ctrl-D submits. Esc cancels (the caller restores the value the
 *   edit started from).
 */
import type { Key } from "ink"

export interface TextState {
  readonly value: string
  readonly cursor: number
}

export type TextOutcome =
  | { readonly state: TextState; readonly then?: undefined }
  | { readonly state: TextState; readonly then: "submit" | "cancel" }

const at = (value: string, cursor: number): TextState => ({ value, cursor: Math.max(0, Math.min(value.length, cursor)) })

const insert = (state: TextState, text: string): TextState =>
  at(state.value.slice(0, state.cursor) + text + state.value.slice(state.cursor), state.cursor + text.length)

const lineStart = (value: string, cursor: number) => value.lastIndexOf("\n", cursor - 1) + 1
const lineEnd = (value: string, cursor: number) => {
  const end = value.indexOf("\n", cursor)
  return end < 0 ? value.length : end
}

/** The cursor one line up or down, at the same column where the line is long enough. */
const verticalMove = (state: TextState, direction: -1 | 1): TextState => {
  const { value, cursor } = state
  const start = lineStart(value, cursor)
  const column = cursor - start
  if (direction < 0) {
    if (start === 0) return state
    const previousStart = lineStart(value, start - 1)
    return at(value, Math.min(previousStart + column, start - 1))
  }
  const end = lineEnd(value, cursor)
  if (end === value.length) return state
  return at(value, Math.min(end + 1 + column, lineEnd(value, end + 1)))
}

/** The word before the cursor (and the spaces after it), as Ctrl-W deletes it in a shell. */
const wordStart = (value: string, cursor: number) => {
  let i = cursor
  while (i > 0 && /\s/.test(value[i - 1]!)) i--
  while (i > 0 && !/\s/.test(value[i - 1]!)) i--
  return i
}

export const editText = (state: TextState, input: string, key: Key, options: { readonly multiline?: boolean } = {}): TextOutcome | undefined => {
  const { value, cursor } = state
  if (key.escape) return { state, then: "cancel" }
  if (key.return) return options.multiline ? { state: insert(state, "\n") } : { state, then: "submit" }
  if (key.leftArrow) return { state: at(value, cursor - 1) }
  if (key.rightArrow) return { state: at(value, cursor + 1) }
  if (key.home || (key.ctrl && input === "a")) return { state: at(value, lineStart(value, cursor)) }
  if (key.end || (key.ctrl && input === "e")) return { state: at(value, lineEnd(value, cursor)) }
  if (key.upArrow) return options.multiline ? { state: verticalMove(state, -1) } : undefined
  if (key.downArrow) return options.multiline ? { state: verticalMove(state, 1) } : undefined
  if (key.backspace || key.delete) return { state: at(value.slice(0, Math.max(0, cursor - 1)) + value.slice(cursor), cursor - 1) }
  // Several backspaces in one read (key repeat, a fast typist) arrive as one chunk.
  if (/^[\x7f\b]+$/.test(input)) {
    const from = Math.max(0, cursor - input.length)
    return { state: at(value.slice(0, from) + value.slice(cursor), from) }
  }
  if (key.ctrl) {
    switch (input) {
      case "w": {
        const from = wordStart(value, cursor)
        return { state: at(value.slice(0, from) + value.slice(cursor), from) }
      }
      case "u": {
        const from = lineStart(value, cursor)
        return { state: at(value.slice(0, from) + value.slice(cursor), from) }
      }
      case "k":
        return { state: at(value.slice(0, cursor) + value.slice(lineEnd(value, cursor)), cursor) }
      case "d":
        return options.multiline ? { state, then: "submit" } : undefined
      default:
        return undefined
    }
  }
  if (key.meta || key.tab) return options.multiline && key.tab ? { state: insert(state, "  ") } : undefined
  if (input.length === 0) return undefined
  const text = input.replace(/\r\n?/g, "\n")
  // Typed ahead of a slow render: text and one Enter in one read. Type, then submit (a new line when multi-line).
  const typedAhead = /^[^\n]*\n$/.test(text)
  if (typedAhead && !options.multiline) return { state: insert(state, text.slice(0, -1)), then: "submit" }
  return { state: insert(state, text) }
}
