/**
 * Changing one curated sample — its tags, or deleting it — from what the API
 * has. The contract has no tag edit and no single-sample delete; it has
 * "delete every sample of an execution" and `:addToDatasets` (which
 * snapshots the execution again into datasets, with a quality and tags). A
 * sample is a snapshot of its execution, so the same content can be made
 * again: read the execution's samples, delete them all, and add back every
 * one that stays — the edited one with its new tags — one `:addToDatasets`
 * per (quality, tags) group.
 *
 * What that costs, said on the page and in the README:
 * - the execution's samples are re-created: new ids and creation times
 *   (inputs, output, revision, quality, tags and golden mark are the same);
 * - it is not atomic: a change made to the same execution's samples between
 *   the read and the delete is lost, and when adding back fails part-way the
 *   samples not yet added back are missing until the retry the page offers
 *   (it lists what was saved and what was not, and adds exactly the rest).
 *
 * Everything that could refuse is checked before anything is deleted: a
 * quality the API would not take back, an execution whose samples changed.
 */
import { AddToDatasetsRequest, SampleQuality, type ExecutionRecordSample, type PromiseClient } from "@fruxkit/core"
import * as Schema from "effect/Schema"

/** One `:addToDatasets` call: the datasets that get a sample with this quality and these tags. */
export interface SampleGroup {
  readonly datasetIds: ReadonlyArray<string>
  readonly quality: string
  readonly tags: ReadonlyArray<string>
}

export type SampleChange = { readonly kind: "tags"; readonly tags: ReadonlyArray<string> } | { readonly kind: "delete" }

export class SampleEditRefused extends Error {}

/** The groups that re-create the execution's samples after `change` to sample `sampleId`. */
export const groupsAfter = (samples: ReadonlyArray<ExecutionRecordSample>, sampleId: string, change: SampleChange): Array<SampleGroup> => {
  if (!samples.some((s) => s.id === sampleId)) throw new SampleEditRefused("that sample is no longer there (it was changed or deleted meanwhile); nothing was changed")
  const groups = new Map<string, { datasetIds: Array<string>; quality: string; tags: ReadonlyArray<string> }>()
  for (const sample of samples) {
    if (sample.id === sampleId && change.kind === "delete") continue
    const tags = sample.id === sampleId && change.kind === "tags" ? change.tags : sample.tags
    if (!SampleQuality.is(sample.quality)) {
      throw new SampleEditRefused(`a sample of this execution has the quality "${sample.quality}", which the API does not take back; nothing was changed`)
    }
    const key = JSON.stringify([sample.quality, tags])
    const group = groups.get(key) ?? { datasetIds: [], quality: sample.quality, tags }
    group.datasetIds.push(sample.datasetId)
    groups.set(key, group)
  }
  return [...groups.values()]
}

/** Tags as a person types them: comma-separated, trimmed, empty ones and repeats dropped. */
export const tagsFromText = (text: string): Array<string> => [...new Set(text.split(",").map((t) => t.trim()).filter((t) => t !== ""))]

export interface EditOutcome {
  readonly saved: ReadonlyArray<SampleGroup>
  /** Groups not added back (the first one failed): shown with a retry. */
  readonly missing: ReadonlyArray<SampleGroup>
  readonly failure: unknown
}

const isGroup = Schema.is(Schema.Struct({ datasetIds: Schema.Array(Schema.String), quality: Schema.String, tags: Schema.Array(Schema.String) }))

/** A group as the retry form carries it (JSON in a hidden field), or undefined when it is not one. */
export const groupFromForm = (value: unknown): SampleGroup | undefined => {
  if (typeof value !== "string") return undefined
  try {
    const parsed: unknown = JSON.parse(value)
    return isGroup(parsed) && Schema.is(AddToDatasetsRequest)(parsed) ? parsed : undefined
  } catch {
    return undefined
  }
}

/** Adds the groups in order; stops at the first failure and says what is still missing. */
export const addGroups = async (
  client: PromiseClient,
  ref: { readonly tenant: string; readonly agent: string; readonly executionRecord: string },
  groups: ReadonlyArray<SampleGroup>
): Promise<EditOutcome> => {
  for (const [at, group] of groups.entries()) {
    try {
      await client.addToDatasets({ ...ref, body: { datasetIds: [...group.datasetIds], quality: group.quality as never, tags: [...group.tags] } })
    } catch (failure) {
      return { saved: groups.slice(0, at), missing: groups.slice(at), failure }
    }
  }
  return { saved: groups, missing: [], failure: undefined }
}

/**
 * The change, end to end: read, plan (refusing before anything is deleted),
 * delete the execution's samples, add back what stays. Also returns the
 * sample as it was (the page goes back to its dataset).
 */
export const changeSample = async (
  client: PromiseClient,
  ref: { readonly tenant: string; readonly agent: string; readonly executionRecord: string },
  sampleId: string,
  change: SampleChange
): Promise<{ readonly before: ExecutionRecordSample; readonly outcome: EditOutcome }> => {
  const samples = await client.listExecutionRecordSamples(ref)
  const groups = groupsAfter(samples, sampleId, change)
  await client.deleteExecutionRecordSamples(ref)
  return { before: samples.find((s) => s.id === sampleId)!, outcome: await addGroups(client, ref, groups) }
}
