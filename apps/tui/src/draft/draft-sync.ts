/**
 * Moving a draft between a file and the API: pull (head, or the revision
 * when there is no draft, to the file with its version beside it) and push
 * (the file's head with `If-Match` set to the version it was pulled at).
 * A push onto a head that moved on is a `DraftConflict` carrying the diff;
 * nothing is written then. `force` re-reads the head and writes over it.
 */
import type { AgentDraft, PromiseClient } from "@fruxkit/core"
import { headHash, readDraftFile, readSidecar, writeDraftFile, writeSidecar, type DraftFileContent, type Sidecar } from "./draft-file.js"
import { diffHeads, type HeadChange } from "./head-diff.js"

export interface DraftRef {
  readonly tenant: string
  readonly agent: string
  readonly revision: number
}

/** The newest revision of an agent: where a draft is usually forked from (as `fruxkit test` picks it). */
export const newestRevision = async (client: PromiseClient, tenant: string, agent: string): Promise<number> => {
  const revisions = await client.listRevisions({ tenant, agent })
  return revisions.reduce((max, r) => Math.max(max, r.agentRevision), 0)
}

export interface Pulled {
  readonly content: DraftFileContent
  readonly sidecar: Sidecar
  /** `false`: the revision had no draft, the file holds the revision's flow and parameters. */
  readonly fromDraft: boolean
}

export const pullDraft = async (client: PromiseClient, ref: DraftRef, file: string): Promise<Pulled> => {
  const draft = await client.getDraft(ref)
  let headData: Record<string, unknown>
  if (draft) headData = { ...draft.headData }
  else {
    const revision = await client.getRevision(ref)
    headData = { flow: revision.flow, parametersMetadata: revision.parametersMetadata }
  }
  const content: DraftFileContent = { agent: ref.agent, baseRevision: ref.revision, headData }
  const sidecar: Sidecar = {
    tenant: ref.tenant,
    agent: ref.agent,
    baseRevision: ref.revision,
    version: draft ? draft.version : null,
    headHash: headHash(headData),
    pulledAt: Date.now()
  }
  await writeDraftFile(file, content)
  await writeSidecar(file, sidecar)
  return { content, sidecar, fromDraft: draft !== null }
}

/** The head moved on since the file was pulled: what differs, file against server. */
export class DraftConflict extends Error {
  override readonly name = "DraftConflict"
  constructor(
    readonly file: string,
    readonly expected: number | null,
    readonly current: AgentDraft,
    readonly changes: ReadonlyArray<HeadChange>
  ) {
    super(
      `the draft of revision ${current.baseRevision} moved on: ${file} was pulled at ${expected === null ? "no draft" : `version ${expected}`}, the head is at version ${current.version}`
    )
  }
}

export interface FileState {
  readonly content: DraftFileContent
  readonly sidecar: Sidecar | undefined
  /** The file's head differs from the one recorded at the last pull or push (or there is no record). */
  readonly changed: boolean
}

export const readFileState = async (file: string): Promise<FileState> => {
  const content = await readDraftFile(file)
  const sidecar = await readSidecar(file)
  const stale = sidecar !== undefined && (sidecar.agent !== content.agent || sidecar.baseRevision !== content.baseRevision)
  return {
    content,
    // A record of another agent or revision says nothing about this file.
    sidecar: stale ? undefined : sidecar,
    changed: stale || sidecar === undefined || sidecar.headHash !== headHash(content.headData)
  }
}

export interface Pushed {
  readonly draft: AgentDraft
  /** `false`: the server already had this head (an identical payload keeps the version). */
  readonly wrote: boolean
}

/**
 * Saves the file's head. Without `force`, `If-Match` is the version the file
 * was pulled at; a stale one (409, or 428 because a draft appeared since a
 * pull that found none) becomes a `DraftConflict` with the diff. With
 * `force`, `confirm` sees the conflict first (it throws to refuse) and the head is overwritten at
 * the version just read.
 */
export const pushDraft = async (
  client: PromiseClient,
  tenant: string,
  file: string,
  options: { readonly force?: boolean; readonly confirm?: (conflict: DraftConflict) => Promise<void> } = {}
): Promise<Pushed> => {
  const state = await readFileState(file)
  const ref: DraftRef = { tenant, agent: state.content.agent, revision: state.content.baseRevision }
  const expected = state.sidecar?.version ?? null
  const save = (version: number | null) =>
    client.saveDraft({ ...ref, ...(version === null ? {} : { ifMatch: version }), body: { headData: state.content.headData } })
  const conflictNow = async (): Promise<DraftConflict | undefined> => {
    const current = await client.getDraft(ref)
    if (!current || current.version === expected) return undefined
    return new DraftConflict(file, expected, current, diffHeads(state.content.headData, current.headData, "$.headData"))
  }

  let conflict: DraftConflict | undefined
  if (expected === null) {
    // Pulled from a revision without a draft: create it, unless someone else did meanwhile.
    conflict = await conflictNow()
  }
  let saved: AgentDraft | undefined
  if (!conflict) {
    try {
      saved = await save(expected)
    } catch (error) {
      const tag = (error as { _tag?: unknown })._tag
      const status = (error as { status?: unknown }).status
      if (!(tag === "Conflict" || tag === "StaleDraft" || status === 409 || status === 412 || status === 428)) throw error
      conflict = await conflictNow()
      if (!conflict) throw error
    }
  }
  if (conflict) {
    if (!options.force) throw conflict
    await options.confirm?.(conflict)
    saved = await save(conflict.current.version)
  }
  const draft = saved!
  await writeSidecar(file, {
    tenant,
    agent: ref.agent,
    baseRevision: ref.revision,
    version: draft.version,
    headHash: headHash(state.content.headData),
    pulledAt: state.sidecar?.pulledAt ?? Date.now()
  })
  return { draft, wrote: expected === null || conflict !== undefined || draft.version !== expected }
}
