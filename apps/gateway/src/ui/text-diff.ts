/**
 * Word-level differences between two outputs, for the sample page's
 * side-by-side view. A longest-common-subsequence over words (each with the
 * whitespace after it, so a changed run of words reads as one change), bounded: past `MAX_CELLS` comparisons the two
 * texts are shown as wholly different rather than spending the request on a
 * quadratic table (agent outputs are usually a few hundred words).
 */

export type DiffPart = { readonly kind: "same" | "removed" | "added"; readonly text: string }

const MAX_CELLS = 4_000_000

const tokens = (text: string): Array<string> => text.match(/^\s+|\S+\s*/g) ?? []

/** The parts of `before` and `after`: each side's text in order, marked same / removed (before only) / added (after only). */
export const diffWords = (before: string, after: string): { readonly before: Array<DiffPart>; readonly after: Array<DiffPart> } => {
  const a = tokens(before)
  const b = tokens(after)
  if (a.length * b.length > MAX_CELLS) {
    return { before: [{ kind: "removed", text: before }], after: [{ kind: "added", text: after }] }
  }
  // lengths[i][j]: the LCS of a[i..] and b[j..], one flat array.
  const width = b.length + 1
  const lengths = new Uint32Array((a.length + 1) * width)
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * width + j] =
        a[i] === b[j] ? lengths[(i + 1) * width + j + 1]! + 1 : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!)
    }
  }
  const left: Array<DiffPart> = []
  const right: Array<DiffPart> = []
  const push = (side: Array<DiffPart>, kind: DiffPart["kind"], text: string) => {
    const last = side.at(-1)
    if (last?.kind === kind) side[side.length - 1] = { kind, text: last.text + text }
    else side.push({ kind, text })
  }
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      push(left, "same", a[i]!)
      push(right, "same", b[j]!)
      i++
      j++
    } else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) {
      push(left, "removed", a[i++]!)
    } else {
      push(right, "added", b[j++]!)
    }
  }
  while (i < a.length) push(left, "removed", a[i++]!)
  while (j < b.length) push(right, "added", b[j++]!)
  return { before: left, after: right }
}
