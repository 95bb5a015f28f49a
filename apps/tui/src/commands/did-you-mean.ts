/** "did you mean run?" for a mistyped command: the nearest name by edit distance, when it is near enough to be a typo. */

const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}

export const closestName = (typed: string, names: ReadonlyArray<string>): string | undefined => {
  let best: { name: string; distance: number } | undefined
  for (const name of names) {
    const distance = name.startsWith(typed) && typed.length >= 2 ? 0.5 : editDistance(typed.toLowerCase(), name)
    if (!best || distance < best.distance) best = { name, distance }
  }
  return best && best.distance <= Math.max(1, Math.floor(best.name.length / 3)) ? best.name : undefined
}
