/** The evaluate form: dataset, and a candidate that is a revision or an externally hosted agent. */
import { SECRET_EXTERNAL_CONFIG_KEYS, type EvaluateRequest } from "@fruxkit/core"

/** The conventional keys of `candidateExternalConfig.parameters`, in the order the form asks. */
export const EXTERNAL_KEYS = ["endpoint", "assistant_id", "auth_header_name", "auth_header_value", "api_key", "timeout_seconds"] as const

export const isSecretKey = (key: string): boolean => SECRET_EXTERNAL_CONFIG_KEYS.has(key)

export type Candidate = { readonly kind: "revision"; readonly revision: number } | { readonly kind: "external" }

export interface EvaluateForm {
  /** `undefined`: every dataset of the deployed revision (the API's default). */
  readonly datasetId: string | undefined
  readonly candidate: Candidate
  readonly external: Readonly<Record<string, string>>
}

/** Numbers and booleans typed as text are sent as such (`timeout_seconds: 30`). */
const externalValue = (text: string): string | number | boolean => {
  if (/^-?\d+(\.\d+)?$/.test(text.trim())) return Number(text.trim())
  if (text.trim() === "true" || text.trim() === "false") return text.trim() === "true"
  return text
}

export const evaluateRequest = (form: EvaluateForm): EvaluateRequest => {
  const base = form.datasetId ? { datasetId: form.datasetId } : {}
  if (form.candidate.kind === "revision") return { ...base, candidateRevision: form.candidate.revision }
  const parameters: Record<string, string | number | boolean> = {}
  for (const [key, value] of Object.entries(form.external)) if (value.trim() !== "") parameters[key] = externalValue(value)
  return { ...base, candidateExternalConfig: { parameters } }
}

/** What can be wrong before anything is sent. */
export const evaluateFormProblem = (form: EvaluateForm): string | undefined =>
  form.candidate.kind === "external" && (form.external.endpoint ?? "").trim() === ""
    ? "An external candidate needs an endpoint."
    : undefined
