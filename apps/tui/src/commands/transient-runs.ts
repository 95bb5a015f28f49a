/**
 * A run without a candidate revision (an external agent, or an unsaved
 * configuration) is transient: the contract keeps it in memory only, never
 * in history. A `draft:evaluate` run is not: it names a pinned draft head
 * (`candidateSnapshotSeqNo`) and stays addressable. Where it is started fruxkit says so, and it never prints a command
 * that cannot work: the embedded backend lives in this process, so its
 * transient run ends with the command; a server holds one only while it runs.
 */
import type { EvaluationRun } from "@fruxkit/core"

export const isTransient = (run: Pick<EvaluationRun, "candidateRevision" | "candidateSnapshotSeqNo">): boolean =>
  run.candidateRevision === null && run.candidateSnapshotSeqNo === null

export const TRANSIENT_NOTE =
  "a transient run (external candidate): the server holds it in memory only, never in history or in `fruxkit runs`"

export const EMBEDDED_TRANSIENT_NOTE =
  "a transient run (external candidate) on the embedded backend lives only as long as this command: fruxkit waits for it"

/** How to see the run again, or undefined when nothing can. */
export const followHint = (run: EvaluationRun, agent: string, embedded: boolean): string | undefined => {
  if (isTransient(run) && embedded) return "the run was transient and ends with this command"
  const command = `fruxkit run --agent ${agent} ${run.id} --wait`
  return isTransient(run) ? `the run goes on while the server holds it (transient, not in history): ${command}` : `the run goes on: ${command}`
}
