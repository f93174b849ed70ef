// "Did you mean" for unknown keys and variables: the closest known name by edit distance.

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/** The candidate closest to `name` (case-insensitive), if it is close enough to be a likely typo. */
export function suggestKey(name: string, candidates: readonly string[]): string | undefined {
  const wanted = name.toLowerCase()
  let best: { candidate: string; distance: number } | undefined
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase())
    if (!best || distance < best.distance) best = { candidate, distance }
  }
  if (!best) return undefined
  const limit = Math.max(2, Math.floor(wanted.length / 4))
  return best.distance <= limit ? best.candidate : undefined
}

/** ` (did you mean "x"?)` or ''. */
export const didYouMean = (name: string, candidates: readonly string[]): string => {
  const s = suggestKey(name, candidates)
  return s ? ` (did you mean "${s}"?)` : ''
}
