/**
 * Flags for every command, declared once: the parser, `--help` and the README
 * read the same declarations. Built on node:util `parseArgs` (strict: an
 * unknown flag is a usage error, exit 2).
 */
import { parseArgs } from "node:util"
import { UsageError } from "./exit-codes.js"

export interface FlagSpec {
  readonly type: "string" | "boolean"
  readonly multiple?: boolean
  readonly value?: string
  readonly description: string
}

export type Flags = Readonly<Record<string, FlagSpec>>

/** Flags every command takes. */
export const connectionFlags = {
  url: { type: "string", value: "URL", description: "A fruxkit gateway (else FRUXKIT_URL); its key comes from FRUXKIT_API_KEY" },
  tenant: { type: "string", value: "ID", description: "Tenant (else FRUXKIT_TENANT, default demo)" },
  "data-dir": { type: "string", value: "DIR", description: "Embedded backend's data dir (else FRUXKIT_DATA_DIR, default ./.fruxkit)" },
  json: { type: "boolean", description: "Print the API's JSON shapes instead of tables" },
  help: { type: "boolean", description: "Show this help" }
} as const satisfies Flags

export type ParsedValues = Record<string, string | boolean | Array<string> | undefined>

export const parseFlags = (argv: ReadonlyArray<string>, flags: Flags): { values: ParsedValues; positionals: Array<string> } => {
  const options = Object.fromEntries(
    Object.entries<FlagSpec>({ ...connectionFlags, ...flags }).map(([name, spec]) => [
      name,
      { type: spec.type, ...(spec.multiple ? { multiple: true } : {}), ...(name === "help" ? { short: "h" } : {}) }
    ])
  )
  try {
    const parsed = parseArgs({ args: [...argv], options: options as never, strict: true, allowPositionals: true })
    return { values: parsed.values as ParsedValues, positionals: parsed.positionals }
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split("\n")[0]! : String(error))
  }
}

export const flagHelp = (flags: Flags): string => {
  const rows = Object.entries(flags).map(([name, spec]) => [
    `--${name}${spec.value ? ` ${spec.value}` : ""}${spec.multiple ? " …" : ""}`,
    spec.description
  ])
  const width = Math.max(...rows.map(([left]) => left!.length))
  return rows.map(([left, right]) => `  ${left!.padEnd(width)}  ${right}`).join("\n")
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

/** `90s`, `30m`, `2h` or milliseconds, for `--timeout`. */
export const durationFlag = (values: ParsedValues, name: string): number | undefined => {
  const text = stringFlag(values, name)
  if (text === undefined) return undefined
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim())
  if (!match) throw new UsageError(`--${name} must be a duration like 90s, 30m or 2h, got "${text}"`)
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? "ms") as "ms" | "s" | "m" | "h"]
  return Number(match[1]) * unit
}
