/**
 * Flags and arguments for every command, declared once: the parser, `--help`,
 * `describe --json`, shell completion and the README read the same
 * declarations. Parsing is commander's (a maintained parser: "did you mean",
 * excess-argument and missing-value errors); a value's kind is checked while
 * parsing, so `--limit -3` or `--fail-under 11` is a usage error (exit 2)
 * before anything is sent. Why commander and not @effect/cli: see the README.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander"
import { UsageError } from "./exit-codes.js"
import { OUTPUT_FORMATS } from "./output-mode.js"
import * as DurationText from "@fruxkit/core/DurationText"

/** What a value must look like; checked while parsing. */
export type ValueKind =
  | { readonly kind: "text" }
  | { readonly kind: "count"; readonly min: number }
  | { readonly kind: "number"; readonly min?: number; readonly max?: number }
  | { readonly kind: "duration" }
  | { readonly kind: "url" }
  | { readonly kind: "choice"; readonly choices: ReadonlyArray<string> }
  | { readonly kind: "pair" }

export interface FlagSpec {
  readonly type: "string" | "boolean"
  readonly multiple?: boolean
  /** The placeholder in help: `--agent ID`. */
  readonly value?: string
  readonly description: string
  readonly check?: ValueKind
  readonly short?: string
  /** Shown in help and `describe`; the command applies it. */
  readonly default?: string
}

export type Flags = Readonly<Record<string, FlagSpec>>

export interface ArgSpec {
  readonly name: string
  readonly description: string
  readonly required: boolean
}

const COUNT = (min: number): ValueKind => ({ kind: "count", min })
export const valueKinds = { count: COUNT, number: (min?: number, max?: number): ValueKind => ({ kind: "number", ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) }) }

/** Where a command talks to; every command takes these. */
export const connectionFlags = {
  url: { type: "string", value: "URL", check: { kind: "url" }, description: "A fruxkit gateway (else FRUXKIT_URL); its key comes from FRUXKIT_API_KEY" },
  tenant: { type: "string", value: "ID", description: "Tenant (else FRUXKIT_TENANT, default demo)" },
  "data-dir": { type: "string", value: "DIR", description: "Embedded backend's data dir (else FRUXKIT_DATA_DIR, default ./.fruxkit)" }
} as const satisfies Flags

/** How a command writes; every command takes these. */
export const outputFlags = {
  output: {
    type: "string",
    short: "o",
    value: "FORMAT",
    check: { kind: "choice", choices: OUTPUT_FORMATS },
    description: "json, ndjson, table or csv (default: table in a terminal, json in CI, agent mode or a pipe)"
  },
  json: { type: "boolean", description: "Same as -o json" },
  help: { type: "boolean", short: "h", description: "Show this help" }
} as const satisfies Flags

export const globalFlags: Flags = { ...connectionFlags, ...outputFlags }

export type ParsedValues = Record<string, string | boolean | Array<string> | undefined>

const checkValue = (flag: string, check: ValueKind | undefined, text: string): string => {
  switch (check?.kind) {
    case undefined:
    case "text":
      return text
    case "count": {
      if (!/^\d+$/.test(text) || Number(text) < check.min) {
        throw new InvalidArgumentError(`--${flag} must be a whole number${check.min > 0 ? ` of at least ${check.min}` : ""}, got "${text}"`)
      }
      return text
    }
    case "number": {
      const value = Number(text)
      const range =
        check.min !== undefined && check.max !== undefined ? ` between ${check.min} and ${check.max}` : check.min !== undefined ? ` of at least ${check.min}` : ""
      if (text.trim() === "" || !Number.isFinite(value) || (check.min !== undefined && value < check.min) || (check.max !== undefined && value > check.max)) {
        throw new InvalidArgumentError(`--${flag} must be a number${range}, got "${text}"`)
      }
      return text
    }
    case "duration":
      if (DurationText.parse(text) === undefined) throw new InvalidArgumentError(`--${flag} must be ${DurationText.GRAMMAR}, got "${text}"`)
      return text
    case "url": {
      let url: URL | undefined
      try {
        url = new URL(text)
      } catch {
        url = undefined
      }
      if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
        throw new InvalidArgumentError(`--${flag} must be an http(s) URL like http://127.0.0.1:8787, got "${text}"`)
      }
      return text
    }
    case "choice":
      if (!check.choices.includes(text)) throw new InvalidArgumentError(`--${flag} is one of ${check.choices.join(", ")}, got "${text}"`)
      return text
    case "pair":
      if (text.indexOf("=") <= 0) throw new InvalidArgumentError(`--${flag} takes key=value, got "${text}"`)
      return text
  }
}

const flagSyntax = (name: string, spec: FlagSpec): string =>
  `${spec.short ? `-${spec.short}, ` : ""}--${name}${spec.type === "string" ? ` <${spec.value ?? "VALUE"}>` : ""}`

/** A commander command for one set of declarations (no actions: we only parse). */
const commanderFor = (name: string, flags: Flags, args: ReadonlyArray<ArgSpec>): { command: Command; options: Map<string, Option> } => {
  const command = new Command(name)
    .exitOverride()
    .helpOption(false)
    .helpCommand(false)
    .allowExcessArguments(false)
    .allowUnknownOption(false)
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined, outputError: () => undefined })
  const options = new Map<string, Option>()
  for (const [flag, spec] of Object.entries({ ...flags, ...globalFlags })) {
    const option = new Option(flagSyntax(flag, spec), spec.description)
    if (spec.type === "string") {
      option.argParser((value: string, previous: unknown) => {
        const checked = checkValue(flag, spec.check, value)
        return spec.multiple ? [...((previous as Array<string> | undefined) ?? []), checked] : checked
      })
    }
    command.addOption(option)
    options.set(flag, option)
  }
  for (const arg of args) command.argument(arg.required ? `<${arg.name}>` : `[${arg.name}]`, arg.description)
  return { command, options }
}

/** Commander's message without its "error: " prefix, on one line. */
const usageMessage = (error: CommanderError, argv: ReadonlyArray<string>, args: ReadonlyArray<ArgSpec>): string => {
  if (error.code === "commander.excessArguments") {
    const positionals = argv.filter((arg) => !arg.startsWith("-"))
    return `unexpected argument${args.length === 0 ? "" : ` after ${args.map((a) => a.name).join(" ")}`}: this command takes ${args.length === 0 ? "no arguments" : `at most ${args.length}`} (got ${positionals.length > 0 ? `"${positionals.at(-1)}"` : "more"})`
  }
  const invalid = /argument '.*' is invalid\. (.*)$/s.exec(error.message)
  if (invalid) return invalid[1]!.trim()
  return error.message
    .replace(/^error: /, "")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .join(" ")
    .replace(/\(Did you mean ([^)]*)\)/, "— did you mean $1")
}

/** Parse one command's argv against its declarations (global flags included). */
export const parseFlags = (
  argv: ReadonlyArray<string>,
  flags: Flags,
  args: ReadonlyArray<ArgSpec> = [],
  name = "fruxkit"
): { values: ParsedValues; positionals: Array<string> } => {
  const { command, options } = commanderFor(name, flags, args)
  try {
    command.parse([...argv], { from: "user" })
  } catch (error) {
    if (error instanceof CommanderError) {
      // An optional argument's absence is not an error; a missing required one is.
      throw new UsageError(usageMessage(error, argv, args))
    }
    throw error
  }
  const values: ParsedValues = {}
  for (const [flag, option] of options) {
    const value: unknown = command.getOptionValue(option.attributeName())
    if (flag.startsWith("no-")) values[flag] = value === false ? true : undefined
    else values[flag] = value as ParsedValues[string]
  }
  return { values, positionals: command.args }
}

/** Help lines for flags; every block in one help text shares `width` so the columns line up. */
export const flagRows = (flags: Flags): Array<[string, string]> =>
  Object.entries(flags).map(([name, spec]) => [
    `${spec.short ? `-${spec.short}, ` : ""}--${name}${spec.value ? ` ${spec.value}` : ""}${spec.multiple ? " …" : ""}`,
    `${spec.description}${spec.default !== undefined ? ` (default ${spec.default})` : ""}`
  ])

export const flagHelp = (flags: Flags, width?: number): string => {
  const rows = flagRows(flags)
  const column = width ?? Math.max(0, ...rows.map(([left]) => left.length))
  return rows.map(([left, right]) => `  ${left.padEnd(column)}  ${right}`).join("\n")
}

// ---- reading values ----

export const stringFlag = (values: ParsedValues, name: string): string | undefined => {
  const value = values[name]
  return typeof value === "string" ? value : undefined
}

export const requiredString = (values: ParsedValues, name: string): string => {
  const value = stringFlag(values, name)
  if (value === undefined || value === "") throw new UsageError(`--${name} is required`)
  return value
}

export const listFlag = (values: ParsedValues, name: string): Array<string> => {
  const value = values[name]
  return Array.isArray(value) ? value : typeof value === "string" ? [value] : []
}

export const integerFlag = (values: ParsedValues, name: string): number | undefined => {
  const text = stringFlag(values, name)
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text)) throw new UsageError(`--${name} must be a whole number, got "${text}"`)
  return Number(text)
}

export const numberFlag = (values: ParsedValues, name: string): number | undefined => {
  const text = stringFlag(values, name)
  if (text === undefined) return undefined
  const value = Number(text)
  if (text.trim() === "" || !Number.isFinite(value)) throw new UsageError(`--${name} must be a number, got "${text}"`)
  return value
}

/** `key=value` pairs (`--param question="hi"`); the value may itself hold `=`. */
export const pairs = (values: ReadonlyArray<string>, flag: string): Array<[string, string]> =>
  values.map((pair) => {
    const at = pair.indexOf("=")
    if (at <= 0) throw new UsageError(`--${flag} takes key=value, got "${pair}"`)
    return [pair.slice(0, at), pair.slice(at + 1)]
  })

/** `90s`, `30m`, `2h`: core's one duration grammar, for `--timeout`. */
export const durationFlag = (values: ParsedValues, name: string): number | undefined => {
  const text = stringFlag(values, name)
  if (text === undefined) return undefined
  const ms = DurationText.parse(text)
  if (ms === undefined) throw new UsageError(`--${name} must be ${DurationText.GRAMMAR}, got "${text}"`)
  return ms
}
