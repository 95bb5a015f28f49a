/**
 * The one place keys are read. A single `useInput` hands each key to the
 * registered layers, highest priority first (a text field being edited, then
 * an overlay, then the screen, then the app's global keys); the first layer
 * that handles it stops it. Components register layers with `useCommands` or
 * `useTextInput`, never with `useInput` of their own. They register in layout
 * effects, before the frame is written, so a key typed at a screen that has
 * just appeared finds its handlers.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react"
import { useInput, type Key } from "ink"
import type { Command } from "./bindings.js"

export const Priority = { Global: 0, Screen: 1, Overlay: 2, Text: 3 } as const
export type Priority = (typeof Priority)[keyof typeof Priority]

export interface Layer {
  readonly priority: Priority
  /** Answers whether it used the key. */
  readonly handle: (input: string, key: Key) => boolean
  /** What the footer lists for this layer. */
  readonly commands: ReadonlyArray<Command>
  /** A text layer's own footer line (its keys are not commands). */
  readonly hint?: string
}

/** The Key Ink would report for one plain character. */
const keyOf = (char: string): Key => ({
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: char === "\r", escape: false, ctrl: false, shift: /[A-Z]/.test(char), tab: char === "\t", backspace: char === "\x7f",
  delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false
})

interface Registered extends Layer {
  readonly order: number
}

interface KeyboardRegistry {
  readonly register: (layer: Layer) => { update: (layer: Layer) => void; remove: () => void }
}

/** What the footer shows: the commands of the top screen layer, or the text-editing hint. */
export interface ActiveKeys {
  readonly editingText: boolean
  /** The footer line of the text being edited. */
  readonly textHint?: string | undefined
  readonly overlay: boolean
  readonly commands: ReadonlyArray<Command>
}

const RegistryContext = createContext<KeyboardRegistry | undefined>(undefined)
const ActiveKeysContext = createContext<ActiveKeys>({ editingText: false, overlay: false, commands: [] })

const sameKeys = (a: ActiveKeys, b: ActiveKeys) =>
  a.editingText === b.editingText && a.textHint === b.textHint && a.overlay === b.overlay && a.commands.join() === b.commands.join()

export const KeyboardProvider = ({ children }: { readonly children: ReactNode }) => {
  const layers = useRef(new Map<number, Registered>())
  const counter = useRef(0)
  const [active, setActive] = useState<ActiveKeys>({ editingText: false, overlay: false, commands: [] })

  const ordered = () =>
    [...layers.current.values()].sort((a, b) => b.priority - a.priority || b.order - a.order)

  const publish = useCallback(() => {
    const all = ordered()
    const screen = all.find((layer) => layer.priority === Priority.Screen)
    const text = all.find((layer) => layer.priority === Priority.Text)
    const next: ActiveKeys = {
      editingText: text !== undefined,
      textHint: text?.hint,
      overlay: all.some((layer) => layer.priority === Priority.Overlay),
      commands: screen?.commands ?? []
    }
    setActive((previous) => (sameKeys(previous, next) ? previous : next))
  }, [])

  const registry = useMemo<KeyboardRegistry>(
    () => ({
      register: (layer) => {
        const id = ++counter.current
        layers.current.set(id, { ...layer, order: id })
        publish()
        return {
          update: (next) => {
            if (!layers.current.has(id)) return
            const before = layers.current.get(id)!
            layers.current.set(id, { ...next, order: id })
            if (before.commands.join() !== next.commands.join()) publish()
          },
          remove: () => {
            layers.current.delete(id)
            publish()
          }
        }
      }
    }),
    [publish]
  )

  // Keys wait here until the ones before them have been handled and rendered (see `deliver`).
  const queue = useRef<Array<{ readonly input: string; readonly key: Key }>>([])

  /**
   * Hand one key to the layers. Ink gives keys typed (or sent) faster than it reads as one string ("j j");
   * outside a text field each character is a command, and it must act on the state the ones before it left,
   * not on the state of the last frame. So a burst is split: its first character now, the rest queued.
   * Answers what is left of the input.
   */
  const deliver = (input: string, key: Key): { input: string; key: Key } | undefined => {
    const layers = ordered()
    const dispatch = (i: string, k: Key) => {
      for (const layer of layers) if (layer.handle(i, k)) return
    }
    const burst = layers[0]?.priority !== Priority.Text && input.length > 1 && !key.ctrl && !key.meta && !input.includes("\x1b")
    if (!burst) {
      dispatch(input, key)
      return undefined
    }
    const [first, ...rest] = [...input]
    dispatch(first === "\r" || first === "\t" ? "" : first!, keyOf(first!))
    const remaining = rest.join("")
    return { input: remaining, key: remaining.length === 1 ? keyOf(remaining) : keyOf("") }
  }

  // React renders a key's updates later (a scheduled task), not when the handler returns, and Ink hands over
  // every key of one read at once. So a key is handled only once the one before it has been rendered: after
  // each key the provider re-renders too, and its effect (after that render) takes the next waiting key, whose
  // handler then sees the state, and the layers (a text field just opened), the key before left.
  const [handled, setHandled] = useState(0)
  const awaitingRender = useRef(false)
  const step = () => {
    const next = queue.current[0]
    if (next === undefined) return
    try {
      const left = deliver(next.input, next.key)
      if (left) queue.current[0] = left
      else queue.current.shift()
    } finally {
      awaitingRender.current = true
      setHandled((n) => n + 1)
    }
  }
  useEffect(() => {
    awaitingRender.current = false
    step()
  }, [handled])

  useInput((input, key) => {
    queue.current.push({ input, key })
    if (!awaitingRender.current) step()
  })

  return (
    <RegistryContext.Provider value={registry}>
      <ActiveKeysContext.Provider value={active}>{children}</ActiveKeysContext.Provider>
    </RegistryContext.Provider>
  )
}

export const useKeyboardRegistry = (): KeyboardRegistry => {
  const registry = useContext(RegistryContext)
  if (registry === undefined) throw new Error("useCommands needs a KeyboardProvider above it")
  return registry
}

export const useActiveKeys = (): ActiveKeys => useContext(ActiveKeysContext)
