/**
 * The draft test form: parameter rows (values are JSON when they parse, text
 * otherwise), mode, environment slug and whether to continue the last
 * session. A reducer, so keys that arrive together apply in order.
 */
import type { DraftTestRequest, ParameterMetadata } from "@fruxkit/core"

export interface ParameterRow {
  readonly key: string
  readonly value: string
  readonly secret: boolean
}

export type FormField =
  | { readonly kind: "parameter"; readonly index: number }
  | { readonly kind: "mode" }
  | { readonly kind: "environment" }
  | { readonly kind: "session" }

export type Editing = { readonly field: "key" | "value"; readonly index: number } | { readonly field: "environment" } | undefined

export interface DraftTestForm {
  readonly parameters: ReadonlyArray<ParameterRow>
  readonly mode: "PRODUCTION" | "SANDBOX"
  readonly environmentSlug: string
  readonly keepSession: boolean
  /** The session the last run answered; sent again when `keepSession`. */
  readonly sessionId: string | undefined
  readonly cursor: number
  readonly editing: Editing
}

export type FormAction =
  | { readonly type: "move"; readonly delta: number }
  | { readonly type: "addParameter" }
  | { readonly type: "removeParameter" }
  | { readonly type: "edit" }
  | { readonly type: "type"; readonly value: string }
  | { readonly type: "doneEditing" }
  | { readonly type: "toggleMode" }
  | { readonly type: "toggleSession" }
  | { readonly type: "sessionAnswered"; readonly sessionId: string }

const fieldDefault = (value: unknown): string =>
  value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value)

export const initialForm = (metadata: ReadonlyArray<ParameterMetadata>): DraftTestForm => ({
  parameters: metadata.map((p) => ({ key: p.name, value: fieldDefault(p.defaultValue), secret: p.secret })),
  mode: "PRODUCTION",
  environmentSlug: "",
  keepSession: false,
  sessionId: undefined,
  cursor: 0,
  editing: undefined
})

export const formFields = (form: DraftTestForm): Array<FormField> => [
  ...form.parameters.map((_, index): FormField => ({ kind: "parameter", index })),
  { kind: "mode" },
  { kind: "environment" },
  { kind: "session" }
]

export const fieldAt = (form: DraftTestForm): FormField => formFields(form)[form.cursor] ?? { kind: "mode" }

/** `42` → 42, `{"a":1}` → object, `hello` → "hello": JSON when it parses, text otherwise. */
export const parseParameterValue = (text: string): unknown => {
  const trimmed = text.trim()
  if (trimmed === "") return ""
  try {
    return JSON.parse(trimmed) as unknown
  } catch {
    return text
  }
}

export const requestOf = (form: DraftTestForm): DraftTestRequest => {
  const parameters: Record<string, unknown> = {}
  for (const row of form.parameters) if (row.key.trim() !== "") parameters[row.key.trim()] = parseParameterValue(row.value)
  return {
    parameters,
    mode: form.mode,
    ...(form.environmentSlug.trim() !== "" ? { environmentSlug: form.environmentSlug.trim() } : {}),
    ...(form.keepSession && form.sessionId ? { sessionId: form.sessionId } : {})
  }
}

const setRow = (rows: ReadonlyArray<ParameterRow>, index: number, patch: Partial<ParameterRow>) =>
  rows.map((row, i) => (i === index ? { ...row, ...patch } : row))

export const formReducer = (form: DraftTestForm, action: FormAction): DraftTestForm => {
  const count = formFields(form).length
  switch (action.type) {
    case "move":
      return { ...form, cursor: Math.max(0, Math.min(count - 1, form.cursor + action.delta)) }
    case "addParameter": {
      const index = form.parameters.length
      return {
        ...form,
        parameters: [...form.parameters, { key: "", value: "", secret: false }],
        cursor: index,
        editing: { field: "key", index }
      }
    }
    case "removeParameter": {
      const field = fieldAt(form)
      if (field.kind !== "parameter") return form
      const parameters = form.parameters.filter((_, i) => i !== field.index)
      return { ...form, parameters, cursor: Math.min(form.cursor, parameters.length + 2) }
    }
    case "edit": {
      const field = fieldAt(form)
      if (field.kind === "parameter") return { ...form, editing: { field: "value", index: field.index } }
      if (field.kind === "environment") return { ...form, editing: { field: "environment" } }
      if (field.kind === "mode") return formReducer(form, { type: "toggleMode" })
      return formReducer(form, { type: "toggleSession" })
    }
    case "type": {
      const editing = form.editing
      if (!editing) return form
      if (editing.field === "environment") return { ...form, environmentSlug: action.value }
      return { ...form, parameters: setRow(form.parameters, editing.index, { [editing.field]: action.value }) }
    }
    case "doneEditing": {
      const editing = form.editing
      // A new row asks for its key, then its value.
      if (editing?.field === "key") return { ...form, editing: { field: "value", index: editing.index } }
      return { ...form, editing: undefined }
    }
    case "toggleMode":
      return { ...form, mode: form.mode === "PRODUCTION" ? "SANDBOX" : "PRODUCTION" }
    case "toggleSession":
      return { ...form, keepSession: !form.keepSession }
    case "sessionAnswered":
      return { ...form, sessionId: action.sessionId }
  }
}
