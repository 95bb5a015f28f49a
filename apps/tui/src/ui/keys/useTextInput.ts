/**
 * Editing one line of text: while active, every key goes here (so `q` types
 * a q instead of quitting). Enter submits, Esc cancels.
 */
import { useContext, useLayoutEffect, useRef } from "react"
import type { Key } from "ink"
import { Priority, useKeyboardRegistry } from "./KeyboardProvider.js"
import { ScreenActiveContext } from "./useCommands.js"

export interface TextInputHandlers {
  readonly value: string
  readonly onChange: (value: string) => void
  readonly onSubmit: () => void
  readonly onCancel: () => void
}

export const editLine = (value: string, input: string, key: Key): string | undefined => {
  if (key.backspace || key.delete) return value.slice(0, -1)
  // Several backspaces in one read (key repeat, a fast typist) arrive as one chunk.
  if (/^[\x7f\b]+$/.test(input)) return value.slice(0, Math.max(0, value.length - input.length))
  if (key.ctrl && input === "u") return ""
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return undefined
  if (input.length === 0) return undefined
  // Pasted text arrives in one chunk; newlines would end a one-line field.
  return value + input.replace(/[\r\n]+/g, " ")
}

export const useTextInput = (handlers: TextInputHandlers, editing: boolean): void => {
  const registry = useKeyboardRegistry()
  const screenActive = useContext(ScreenActiveContext)
  const active = editing && screenActive
  const latest = useRef(handlers)
  latest.current = handlers
  // Keys can arrive faster than renders: edit what was last typed, not the last rendered value.
  const typed = useRef(handlers.value)
  typed.current = handlers.value
  useLayoutEffect(() => {
    if (!active) return
    const registration = registry.register({
      priority: Priority.Text,
      commands: [],
      handle: (input, key) => {
        const current = latest.current
        // Typed ahead of a slow render, text and Enter can arrive as one chunk ("invoice?\r"): type, then submit.
        const enterAt = key.ctrl || key.meta ? -1 : input.search(/[\r\n]/)
        if (!key.return && enterAt > 0) {
          typed.current = typed.current + input.slice(0, enterAt)
          current.onChange(typed.current)
          current.onSubmit()
        } else if (key.return) current.onSubmit()
        else if (key.escape) current.onCancel()
        else {
          const next = editLine(typed.current, input, key)
          if (next !== undefined) {
            typed.current = next
            current.onChange(next)
          }
        }
        return true
      }
    })
    return registration.remove
  }, [registry, active])
}
