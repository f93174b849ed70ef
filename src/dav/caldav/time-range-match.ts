// Does a component instance overlap a time range? RFC 4791 §9.9, per component type:
//   VEVENT    [DTSTART, end) overlaps, end from DTEND, DURATION, or +1 day for DATE / zero
//             duration, where a zero-length event at DTSTART matches when start <= DTSTART < end;
//   VTODO     the table in §9.9 over DTSTART, DURATION, DUE, COMPLETED and CREATED;
//   VJOURNAL  DTSTART (a DATE covers the whole day); no DTSTART never matches.
// Range bounds are optional (§9.9: an absent start is -infinity, an absent end +infinity).
import { DAY_MS, eventEnd, type InstanceTimes } from './calendar-instances.ts'

export interface TimeRange {
  start: number
  end: number
}

export const OPEN_RANGE_START = Number.NEGATIVE_INFINITY
export const OPEN_RANGE_END = Number.POSITIVE_INFINITY

export function instanceMatches(type: string, t: InstanceTimes, range: TimeRange): boolean {
  const { start: S, end: E } = range
  switch (type) {
    case 'VEVENT': {
      if (t.start === null) return false
      const end = eventEnd(t) ?? t.start
      if (end > t.start) return S < end && E > t.start
      return S <= t.start && E > t.start
    }
    case 'VTODO': {
      if (t.start !== null) {
        if (t.duration !== null) {
          const end = t.start + t.duration
          return S <= end && (E > t.start || E >= end)
        }
        if (t.due !== null) return (S < t.due || S <= t.start) && (E > t.start || E >= t.due)
        return S <= t.start && E > t.start
      }
      if (t.due !== null) return S < t.due && E >= t.due
      if (t.completed !== null && t.created !== null) {
        return (S <= t.created || S <= t.completed) && (E >= t.created || E >= t.completed)
      }
      if (t.completed !== null) return S <= t.completed && E >= t.completed
      if (t.created !== null) return E > t.created
      return true
    }
    case 'VJOURNAL': {
      if (t.start === null) return false
      if (t.startIsDate) return S < t.start + DAY_MS && E > t.start
      return S <= t.start && E > t.start
    }
    default:
      return false
  }
}

/**
 * Bounds of an instance for the SQL pre-filter: every range it can match lies within [lo, hi].
 * null on a side means unbounded there.
 */
export function instanceSpan(type: string, t: InstanceTimes): { lo: number | null; hi: number | null } {
  const points = [t.start, t.end, t.due, t.completed, t.created].filter((v): v is number => v !== null)
  if (type === 'VEVENT') {
    const end = eventEnd(t)
    if (t.start === null || end === null) return { lo: null, hi: null }
    return { lo: t.start, hi: Math.max(end, t.start) }
  }
  if (type === 'VTODO') {
    if (points.length === 0) return { lo: null, hi: null }
    // A task with only CREATED matches every range that ends after it.
    if (t.start === null && t.due === null && t.completed === null) return { lo: t.created, hi: null }
    const hi = Math.max(...points, t.start !== null && t.duration !== null ? t.start + t.duration : 0)
    return { lo: Math.min(...points), hi }
  }
  if (t.start === null) return { lo: null, hi: null }
  return { lo: t.start, hi: t.start + DAY_MS }
}
