/**
 * Editing text: while active, every key goes here (so `q` types a q instead
 * of quitting); `text-editing.ts` says what each key does. Enter submits (in
 * the multi-line editor: Ctrl-D); Esc cancels, putting back the value the
 * edit started from. Answers the cursor's position, for the field to draw.
 */
import { useContext, useLayoutEffect, useRef, useState } from "react"
import { Priority, useKeyboardRegistry } from "./KeyboardProvider.js"
import { ScreenActiveContext } from "./useCommands.js"
import { editText } from "./text-editing.js"

export interface TextInputHandlers {
  readonly value: string
  readonly onChange: (value: string) => void
  readonly onSubmit: () => void
  readonly onCancel: () => void
  /** Enter makes a new line and Ctrl-D submits. */
  readonly multiline?: boolean
}

export const LINE_HINT = "typing · Enter done · Esc cancel · ←/→ Home/End move · Ctrl-W word · Ctrl-U clear"
export const MULTILINE_HINT = "editing · Ctrl-D done · Esc cancel · Enter new line · arrows move · Ctrl-W word · Ctrl-K to line end"

export const useTextInput = (handlers: TextInputHandlers, editing: boolean): number => {
  const registry = useKeyboardRegistry()
  const screenActive = useContext(ScreenActiveContext)
  const active = editing && screenActive
  const latest = useRef(handlers)
  latest.current = handlers
  const [cursor, setCursor] = useState(handlers.value.length)
  const cursorRef = useRef(cursor)
  useLayoutEffect(() => {
    if (!active) return
    // An edit starts with the cursor at the end, and remembers the value Esc goes back to.
    const original = latest.current.value
    cursorRef.current = original.length
    setCursor(original.length)
    const registration = registry.register({
      priority: Priority.Text,
      commands: [],
      hint: latest.current.multiline ? MULTILINE_HINT : LINE_HINT,
      handle: (input, key) => {
        const current = latest.current
        const outcome = editText({ value: current.value, cursor: Math.min(cursorRef.current, current.value.length) }, input, key, {
          multiline: current.multiline ?? false
        })
        if (outcome === undefined) return true
        if (outcome.state.value !== current.value) current.onChange(outcome.state.value)
        cursorRef.current = outcome.state.cursor
        setCursor(outcome.state.cursor)
        if (outcome.then === "submit") current.onSubmit()
        if (outcome.then === "cancel") {
          if (current.value !== original) current.onChange(original)
          current.onCancel()
        }
        return true
      }
    })
    return registration.remove
  }, [registry, active])
  return cursor
}
