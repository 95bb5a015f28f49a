/**
 * The draft test form: parameter rows (values are JSON when they parse, text
 * otherwise), mode, environment slug and whether to continue the last
 * session. A reducer, so keys that arrive together apply in order.
 *
 * Rows from the revision's `parametersMetadata` carry what it says about them
 * (display name, description, type, required, secret, default); the form will
 * not run with a required parameter empty, a value of the wrong type, a row
 * without a name, or two rows with one name (`formProblem`).
 */
import type { DraftTestRequest, ParameterMetadata } from "@fruxkit/core"

export interface ParameterInfo {
  readonly displayName: string
  readonly description: string
  readonly type: string
  readonly required: boolean
}

export interface ParameterRow {
  readonly key: string
  readonly value: string
  readonly secret: boolean
  /** What the revision's metadata says about this parameter; undefined for a row the user added. */
  readonly info: ParameterInfo | undefined
}

export type FormField =
  | { readonly kind: "parameter"; readonly index: number }
  | { readonly kind: "mode" }
  | { readonly kind: "environment" }
  | { readonly kind: "session" }

export type Editing =
  | {
      readonly field: "key" | "value"
      readonly index: number
      /** A row just added: Esc while naming it removes it. */
      readonly newRow?: boolean
      /** The value in the multi-line editor. */
      readonly multiline?: boolean
    }
  | { readonly field: "environment" }
  | undefined

export interface DraftTestForm {
  readonly parameters: ReadonlyArray<ParameterRow>
  readonly mode: "PRODUCTION" | "SANDBOX"
  readonly environmentSlug: string
  readonly keepSession: boolean
  /** The session the last run answered; sent again when `keepSession`. */
  readonly sessionId: string | undefined
  readonly cursor: number
  readonly editing: Editing
  /** Why the last action was refused (a nameless row, a required parameter left empty…); cleared by the next. */
  readonly message: string | undefined
}

export type FormAction =
  | { readonly type: "move"; readonly delta: number }
  | { readonly type: "addParameter" }
  | { readonly type: "removeParameter" }
  | { readonly type: "edit" }
  | { readonly type: "editMultiline" }
  | { readonly type: "rename" }
  | { readonly type: "type"; readonly value: string }
  | { readonly type: "doneEditing" }
  | { readonly type: "cancelEditing" }
  | { readonly type: "refuse"; readonly message: string }
  | { readonly type: "toggleMode" }
  | { readonly type: "toggleSession" }
  | { readonly type: "sessionAnswered"; readonly sessionId: string }

const fieldDefault = (value: unknown): string =>
  value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value)

export const initialForm = (metadata: ReadonlyArray<ParameterMetadata>): DraftTestForm => ({
  parameters: metadata.map((p) => ({
    key: p.name,
    value: fieldDefault(p.defaultValue),
    secret: p.secret,
    info: { displayName: p.displayName, description: p.description, type: p.type, required: p.required }
  })),
  mode: "PRODUCTION",
  environmentSlug: "",
  keepSession: false,
  sessionId: undefined,
  cursor: 0,
  editing: undefined,
  message: undefined
})

/** What the form shows for a row: the display name when the metadata gives one, `*` when required. */
export const rowLabel = (row: ParameterRow): string =>
  `${row.info?.displayName || row.key || "(no name)"}${row.info?.required ? " *" : ""}`

/** Has anything been changed since the form was filled from the metadata? */
export const isDirty = (form: DraftTestForm, initial: DraftTestForm): boolean =>
  form.mode !== initial.mode ||
  form.environmentSlug !== initial.environmentSlug ||
  form.keepSession !== initial.keepSession ||
  form.parameters.length !== initial.parameters.length ||
  form.parameters.some((row, i) => row.key !== initial.parameters[i]?.key || row.value !== initial.parameters[i]?.value)

const typeProblem = (row: ParameterRow): string | undefined => {
  const type = row.info?.type.toLowerCase() ?? ""
  if (row.value.trim() === "" || type === "" || type === "string") return undefined
  const value = parseParameterValue(row.value)
  const name = rowLabel(row).replace(/ \*$/, "")
  const ok =
    type === "number" || type === "float" || type === "double"
      ? typeof value === "number"
      : type === "integer" || type === "int"
        ? Number.isInteger(value)
        : type === "boolean" || type === "bool"
          ? typeof value === "boolean"
          : type === "object" || type === "json"
            ? typeof value === "object" && value !== null && !Array.isArray(value)
            : type === "array"
              ? Array.isArray(value)
              : true
  return ok ? undefined : `${name} must be ${/^[aeiou]/.test(type) ? "an" : "a"} ${type}.`
}

/** Why the form cannot run as it is, or undefined when it can. */
export const formProblem = (form: DraftTestForm): string | undefined => {
  for (const [index, row] of form.parameters.entries()) {
    if (row.key.trim() === "") return `Parameter row ${index + 1} has no name: n names it, d deletes it.`
  }
  const seen = new Set<string>()
  for (const row of form.parameters) {
    if (seen.has(row.key.trim())) return `Two rows are named "${row.key.trim()}": rename (n) or delete (d) one.`
    seen.add(row.key.trim())
  }
  for (const row of form.parameters) {
    if (row.info?.required && row.value.trim() === "") return `${rowLabel(row).replace(/ \*$/, "")} is required.`
    const problem = typeProblem(row)
    if (problem) return problem
  }
  return undefined
}

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

export const formReducer = (state: DraftTestForm, action: FormAction): DraftTestForm => {
  // Any action but a refusal clears the last refusal's message.
  const form = action.type === "refuse" || state.message === undefined ? state : { ...state, message: undefined }
  const count = formFields(form).length
  switch (action.type) {
    case "refuse":
      return { ...form, message: action.message }
    case "move":
      return { ...form, cursor: Math.max(0, Math.min(count - 1, form.cursor + action.delta)) }
    case "addParameter": {
      const index = form.parameters.length
      return {
        ...form,
        parameters: [...form.parameters, { key: "", value: "", secret: false, info: undefined }],
        cursor: index,
        editing: { field: "key", index, newRow: true }
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
    case "editMultiline": {
      const field = fieldAt(form)
      return field.kind === "parameter" ? { ...form, editing: { field: "value", index: field.index, multiline: true } } : form
    }
    case "rename": {
      const field = fieldAt(form)
      return field.kind === "parameter" ? { ...form, editing: { field: "key", index: field.index } } : form
    }
    case "type": {
      const editing = form.editing
      if (!editing) return form
      if (editing.field === "environment") return { ...form, environmentSlug: action.value }
      return { ...form, parameters: setRow(form.parameters, editing.index, { [editing.field]: action.value }) }
    }
    case "doneEditing": {
      const editing = form.editing
      if (editing?.field === "key") {
        const key = form.parameters[editing.index]?.key.trim() ?? ""
        // A nameless row would be dropped from the request without a word: it is refused here instead.
        if (key === "") return { ...form, message: "A parameter needs a name (Esc leaves it as it was)." }
        if (form.parameters.some((row, i) => i !== editing.index && row.key.trim() === key)) {
          return { ...form, message: `There is a parameter named "${key}" already.` }
        }
        const parameters = setRow(form.parameters, editing.index, { key })
        // A new row asks for its name, then its value.
        return editing.newRow ? { ...form, parameters, editing: { field: "value", index: editing.index } } : { ...form, parameters, editing: undefined }
      }
      return { ...form, editing: undefined }
    }
    case "cancelEditing": {
      const editing = form.editing
      // Esc while naming a row just added: the row was never wanted.
      if (editing?.field === "key" && editing.newRow) {
        const parameters = form.parameters.filter((_, i) => i !== editing.index)
        return { ...form, parameters, editing: undefined, cursor: Math.min(form.cursor, Math.max(0, parameters.length + 2)) }
      }
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
