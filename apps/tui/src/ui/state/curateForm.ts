/** Curating one execution: which datasets, what quality, which tags, and whether to skip datasets that hold it already. */
import type { AddToDatasetsRequest } from "@fruxkit/core"

export const QUALITIES = ["GOOD", "BAD", "NEEDS_REVIEW", "UNSPECIFIED"] as const
export type Quality = (typeof QUALITIES)[number]

export interface CurateForm {
  readonly chosen: ReadonlySet<string>
  readonly quality: Quality
  readonly tags: string
  readonly dedupe: boolean
}

export const initialCurateForm = (chosen: ReadonlyArray<string> = []): CurateForm => ({
  chosen: new Set(chosen),
  quality: "GOOD",
  tags: "",
  // At most once per dataset unless asked otherwise: `:addToDatasets` never upserts.
  dedupe: true
})

export const toggleDataset = (form: CurateForm, id: string): CurateForm => {
  const chosen = new Set(form.chosen)
  if (chosen.has(id)) chosen.delete(id)
  else chosen.add(id)
  return { ...form, chosen }
}

export const cycleQuality = (form: CurateForm, delta: number): CurateForm => {
  const index = QUALITIES.indexOf(form.quality)
  return { ...form, quality: QUALITIES[(index + delta + QUALITIES.length) % QUALITIES.length]! }
}

export const parseTags = (text: string): Array<string> => [
  ...new Set(
    text
      .split(",")
      .map((tag) => tag.trim())
      .filter((tag) => tag.length > 0)
  )
]

export const curateRequest = (form: CurateForm, datasetOrder: ReadonlyArray<string>): AddToDatasetsRequest => ({
  datasetIds: datasetOrder.filter((id) => form.chosen.has(id)),
  quality: form.quality,
  tags: parseTags(form.tags)
})
