// UIDs as the inclusive ranges storage takes (repositories/message-rows.ts UidRange): [3,4,5,9] →
// 3:5, 9. Kept small so a SELECT-sized set becomes a few SQL ranges.
import type { UidRange } from '../../storage/index.ts'

/** Ascending or not, duplicates allowed. */
export function toUidRanges(uids: readonly number[]): UidRange[] {
  const sorted = [...uids].sort((a, b) => a - b)
  const ranges: UidRange[] = []
  for (const uid of sorted) {
    const last = ranges[ranges.length - 1]
    if (last !== undefined && uid <= last.to + 1) last.to = Math.max(last.to, uid)
    else ranges.push({ from: uid, to: uid })
  }
  return ranges
}
