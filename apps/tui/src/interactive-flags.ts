import type { Flags } from "./commands/command-line.js"

/** Flags of `fruxkit` without a command (besides the connection flags every command takes). */
export const interactiveFlags: Flags = {
  agent: { type: "string", value: "ID", description: "Open this agent's screen instead of the agent list" }
}
