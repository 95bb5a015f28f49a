/**
 * How a command writes: the output format and whether a person is watching.
 *
 * Agent mode (CI, FRUXKIT_AGENT_MODE, FRUXON_AGENT_MODE, CLAUDECODE, or a
 * stdout that is not a terminal) means JSON on stdout unless `-o` says
 * otherwise, errors as one JSON line on stderr, and no spinners, colour or
 * prompts. `NO_COLOR` turns colour off in every mode.
 */

export const OUTPUT_FORMATS = ["json", "ndjson", "table", "csv"] as const
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]

export interface OutputMode {
  readonly format: OutputFormat
  /** Nobody is watching a terminal: no prompts, no progress line, errors as JSON. */
  readonly agent: boolean
  /** Errors go to stderr as one JSON line (agent mode, or a JSON format asked for). */
  readonly jsonErrors: boolean
  readonly colour: boolean
  /** A person can answer a confirmation (stdin and stdout are terminals, not CI). */
  readonly canPrompt: boolean
}

type Env = Readonly<Record<string, string | undefined>>

/** `CI=false` and `CI=0` are how people switch a CI variable off; anything else set means on. */
const isOn = (value: string | undefined): boolean => value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false"

export const AGENT_MODE_VARIABLES = ["CI", "FRUXKIT_AGENT_MODE", "FRUXON_AGENT_MODE", "CLAUDECODE"] as const

export const isAgentEnvironment = (env: Env): boolean => AGENT_MODE_VARIABLES.some((name) => isOn(env[name]))

export const resolveOutputMode = (options: {
  readonly requested: OutputFormat | undefined
  readonly json: boolean
  readonly env: Env
  readonly stdoutIsTTY: boolean
  readonly stdinIsTTY: boolean
}): OutputMode => {
  const agent = isAgentEnvironment(options.env) || !options.stdoutIsTTY
  const format: OutputFormat = options.requested ?? (options.json ? "json" : agent ? "json" : "table")
  return {
    format,
    agent,
    jsonErrors: agent || format === "json" || format === "ndjson",
    colour: !agent && options.env.NO_COLOR === undefined,
    canPrompt: !isAgentEnvironment(options.env) && options.stdoutIsTTY && options.stdinIsTTY
  }
}
