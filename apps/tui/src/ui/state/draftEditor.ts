/**
 * The draft editor's model: the fields a user changes most — each LLM
 * step's prompts and each parameter's default — read from and written into
 * a draft head (`headData`). A head without its own `flow` or
 * `parametersMetadata` shows the base revision's, and the first edit copies
 * them into the head (what the local backend and `fromDraft` then use).
 * Everything else is edited as JSON in $EDITOR.
 */
import type { AgentRevision } from "@fruxkit/core"

export type HeadData = Readonly<Record<string, unknown>>
type Path = ReadonlyArray<string | number>

export interface EditableField {
  readonly label: string
  readonly path: Path
  readonly value: string
  /** Parameter defaults are JSON when the text parses as JSON (as the test form reads them), else text. */
  readonly kind: "text" | "json-or-text"
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value)

/** The head as it runs: its own flow and parameters, or the base revision's. */
export const effectiveHead = (headData: HeadData, revision: Pick<AgentRevision, "flow" | "parametersMetadata">): HeadData => ({
  ...headData,
  flow: isObject(headData.flow) ? headData.flow : revision.flow,
  parametersMetadata: Array.isArray(headData.parametersMetadata) ? headData.parametersMetadata : revision.parametersMetadata
})

const asText = (value: unknown): string => (value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value))

export const editableFields = (head: HeadData): Array<EditableField> => {
  const fields: Array<EditableField> = []
  const steps = isObject(head.flow) && Array.isArray(head.flow.steps) ? head.flow.steps : []
  steps.forEach((step, index) => {
    if (!isObject(step) || step.type !== "llm") return
    const name = typeof step.id === "string" && step.id ? step.id : `step ${index + 1}`
    fields.push({ label: `${name} system`, path: ["flow", "steps", index, "system"], value: asText(step.system), kind: "text" })
    fields.push({ label: `${name} prompt`, path: ["flow", "steps", index, "prompt"], value: asText(step.prompt), kind: "text" })
  })
  const parameters = Array.isArray(head.parametersMetadata) ? head.parametersMetadata : []
  parameters.forEach((parameter, index) => {
    if (!isObject(parameter) || typeof parameter.name !== "string") return
    fields.push({ label: `param ${parameter.name}`, path: ["parametersMetadata", index, "defaultValue"], value: asText(parameter.defaultValue), kind: "json-or-text" })
  })
  return fields
}

const parseValue = (field: EditableField, text: string): unknown => {
  if (field.kind === "text") return text
  if (text === "") return null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

const setIn = (value: unknown, path: Path, next: unknown): unknown => {
  if (path.length === 0) return next
  const [head, ...rest] = path
  if (typeof head === "number") {
    const array = Array.isArray(value) ? [...value] : []
    array[head] = setIn(array[head], rest, next)
    return array
  }
  const object = isObject(value) ? { ...value } : {}
  object[head!] = setIn(object[head!], rest, next)
  return object
}

/** The head with one field changed; never mutates what it was given. */
export const applyEdit = (head: HeadData, field: EditableField, text: string): HeadData =>
  setIn(head, field.path, parseValue(field, text)) as HeadData

/** A head read back from $EDITOR: a JSON object, or why not. */
export const parseEditedHead = (text: string): { readonly head: HeadData } | { readonly error: string } => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return { error: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` }
  }
  return isObject(parsed) ? { head: parsed } : { error: "the draft head must be a JSON object" }
}

/**
 * Whether a finished draft run clears the bar for deploying from the TUI:
 * it completed and the judge did not advise against it (DEPLOY or
 * DEPLOY_WITH_CAUTION). The CLI's gates (`--fail-under`) are for scripts.
 */
export const draftRunPasses = (run: { readonly status: string; readonly deploymentRecommendation: string | null }): boolean =>
  run.status === "COMPLETED" && (run.deploymentRecommendation === "DEPLOY" || run.deploymentRecommendation === "DEPLOY_WITH_CAUTION")
