/** A screen's (or overlay's) key handlers, by command; see KeyboardProvider for who wins. */
import { createContext, useContext, useLayoutEffect, useRef } from "react"
import type { Key } from "ink"
import { matches, type Command } from "./bindings.js"
import { Priority, useKeyboardRegistry, type Layer } from "./KeyboardProvider.js"

/** False for screens kept mounted under the top one: their keys are off. */
export const ScreenActiveContext = createContext(true)

export type Handlers = Partial<Record<Command, () => void>>

export interface CommandOptions {
  readonly priority?: Priority
  /** When false the layer is not registered at all (and its keys leave the footer). */
  readonly active?: boolean
  /** Swallow keys it has no handler for (an overlay: nothing reaches the screen beneath). */
  readonly exclusive?: boolean
}

export const useCommands = (handlers: Handlers, options: CommandOptions = {}): void => {
  const registry = useKeyboardRegistry()
  const priority = options.priority ?? Priority.Screen
  const screenActive = useContext(ScreenActiveContext)
  const active = (options.active ?? true) && (screenActive || priority === Priority.Global)
  const latest = useRef(handlers)
  latest.current = handlers
  const exclusive = useRef(options.exclusive ?? false)
  exclusive.current = options.exclusive ?? false
  const commands = Object.keys(handlers) as Array<Command>
  const handle = useRef((input: string, key: Key) => {
    for (const [command, handler] of Object.entries(latest.current) as Array<[Command, (() => void) | undefined]>) {
      if (handler && matches(command, input, key)) {
        handler()
        return true
      }
    }
    return exclusive.current
  }).current
  const registration = useRef<ReturnType<typeof registry.register> | undefined>(undefined)

  useLayoutEffect(() => {
    if (!active) return
    const layer: Layer = { priority, handle, commands: Object.keys(latest.current) as Array<Command> }
    registration.current = registry.register(layer)
    return () => {
      registration.current?.remove()
      registration.current = undefined
    }
  }, [registry, priority, active, handle])

  // The set of commands can change with the screen's mode; the footer follows.
  const signature = commands.join()
  useLayoutEffect(() => {
    registration.current?.update({ priority, handle, commands: signature ? (signature.split(",") as Array<Command>) : [] })
  }, [signature, priority, handle])
}
