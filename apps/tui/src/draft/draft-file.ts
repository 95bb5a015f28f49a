/**
 * A draft kept in a file, the way a developer keeps it in git:
 *
 *   agent.json            { "agent": "support_bot", "baseRevision": 2, "headData": { "flow": …, … } }
 *   agent.json.fruxkit    { "tenant", "agent", "baseRevision", "version", "headHash", "pulledAt" }
 *
 * The file is what a person edits and reviews; the sidecar beside it records
 * the draft version the file was last pulled or pushed at (the `If-Match` of
 * the next push) and a hash of that head, so a command can tell whether the
 * file changed since. Validation is offline, against core's schemas, with
 * every error pointing at a JSON path (`$.headData.parametersMetadata[0].name`).
 */
import { createHash } from "node:crypto"
import * as fs from "node:fs/promises"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { AGENT_ID_PATTERN, Flow, NewParametersMetadata } from "@fruxkit/core"

export const SIDECAR_SUFFIX = ".fruxkit"

/** `headData` is free-form; the two keys fruxkit reads are checked. */
const HeadData = Schema.Struct(
  {
    flow: Schema.optional(Flow),
    parametersMetadata: Schema.optional(NewParametersMetadata)
  },
  { key: Schema.String, value: Schema.Unknown }
)

export const DraftFileContent = Schema.Struct({
  agent: Schema.String.pipe(Schema.pattern(AGENT_ID_PATTERN, { message: () => "an agent id: a lower-case letter, then lower-case letters, digits or _" })),
  baseRevision: Schema.Int.pipe(Schema.nonNegative()),
  headData: HeadData
}).annotations({ identifier: "DraftFile" })
export type DraftFileContent = typeof DraftFileContent.Type

export interface FileError {
  /** A JSON path into the file (`$` is the whole document). */
  readonly path: string
  readonly message: string
}

/** The draft version the file stands on, and the head it had then. */
export interface Sidecar {
  readonly tenant: string
  readonly agent: string
  readonly baseRevision: number
  /** `null`: pulled from a revision with no draft; the first push creates it. */
  readonly version: number | null
  readonly headHash: string
  readonly pulledAt: number
}

const Sidecar = Schema.Struct({
  tenant: Schema.String,
  agent: Schema.String,
  baseRevision: Schema.Int,
  version: Schema.NullOr(Schema.Int),
  headHash: Schema.String,
  pulledAt: Schema.Number
})

/** JSON with sorted keys: equal heads hash equal whatever the key order (the server's "identical payload" rule). */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_, v) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v
  )

export const headHash = (headData: unknown): string => createHash("sha256").update(canonicalJson(headData)).digest("hex").slice(0, 32)

const jsonPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>((acc, key) => (typeof key === "number" ? `${acc}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(String(key)) ? `${acc}.${String(key)}` : `${acc}[${JSON.stringify(String(key))}]`), "$")

/** Where `JSON.parse` stopped, as line and column (Node reports a character offset). */
const syntaxError = (text: string, error: unknown): FileError => {
  const message = error instanceof Error ? error.message : String(error)
  const at = /position (\d+)/.exec(message)
  if (!at) return { path: "$", message: `not valid JSON: ${message}` }
  const offset = Number(at[1])
  const before = text.slice(0, offset).split("\n")
  return { path: "$", message: `not valid JSON at line ${before.length}, column ${before.at(-1)!.length + 1}: ${message.replace(/ in JSON at position \d+.*$/, "")}` }
}

/** Checks a file's text offline: the content, or every error found. */
export const parseDraftFile = (text: string): Either.Either<DraftFileContent, ReadonlyArray<FileError>> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return Either.left([syntaxError(text, error)])
  }
  const decoded = Schema.decodeUnknownEither(DraftFileContent, { errors: "all", onExcessProperty: "error" })(json)
  if (Either.isRight(decoded)) return Either.right(decoded.right)
  const errors = ParseResult.ArrayFormatter.formatErrorSync(decoded.left).map((issue) => ({
    path: jsonPath(issue.path),
    message: issue.message
  }))
  // An optional field is a union with undefined: its "Expected undefined" is noise beside the real reason.
  const isAlternative = (e: FileError) => /^Expected (undefined|null), actual/.test(e.message)
  return Either.left(
    errors.filter((e) => !isAlternative(e) || !errors.some((other) => other !== e && !isAlternative(other) && other.path.startsWith(e.path)))
  )
}

export class DraftFileError extends Error {
  override readonly name = "DraftFileError"
  constructor(
    readonly file: string,
    readonly errors: ReadonlyArray<FileError>
  ) {
    super(`${file} is not a valid draft file:\n${errors.map((e) => `  ${e.path}: ${e.message}`).join("\n")}`)
  }
}

export const readDraftFile = async (file: string): Promise<DraftFileContent> => {
  let text: string
  try {
    text = await fs.readFile(file, "utf8")
  } catch (error) {
    throw new DraftFileError(file, [{ path: "$", message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})` }])
  }
  const parsed = parseDraftFile(text)
  if (Either.isLeft(parsed)) throw new DraftFileError(file, parsed.left)
  return parsed.right
}

/** Written whole, then renamed over the old file: an interrupted write never leaves half a file. */
const writeAtomically = async (file: string, text: string): Promise<void> => {
  const temporary = `${file}.${process.pid}.tmp`
  await fs.writeFile(temporary, text)
  await fs.rename(temporary, file)
}

export const writeDraftFile = (file: string, content: DraftFileContent): Promise<void> =>
  writeAtomically(file, `${JSON.stringify(content, null, 2)}\n`)

export const sidecarPath = (file: string): string => `${file}${SIDECAR_SUFFIX}`

export const readSidecar = async (file: string): Promise<Sidecar | undefined> => {
  let text: string
  try {
    text = await fs.readFile(sidecarPath(file), "utf8")
  } catch {
    return undefined
  }
  try {
    return Schema.decodeUnknownSync(Sidecar)(JSON.parse(text))
  } catch {
    throw new DraftFileError(sidecarPath(file), [{ path: "$", message: "is not a fruxkit version record; pull the draft again" }])
  }
}

export const writeSidecar = (file: string, sidecar: Sidecar): Promise<void> =>
  writeAtomically(sidecarPath(file), `${JSON.stringify(sidecar, null, 2)}\n`)
