// iCalendar times to UTC milliseconds (RFC 5545 §3.3.5):
//   - UTC ("…Z") and times whose TZID has a VTIMEZONE in the object: ical.js computes the offset
//     from the VTIMEZONE rules (RFC 4791 §4.1 requires one per TZID);
//   - a TZID without a VTIMEZONE that names an IANA zone: the offset comes from the runtime's zone
//     database (Intl), as many clients omit VTIMEZONE for well-known zones;
//   - floating times and dates: the calendar's time zone (RFC 4791 §9.9: CALDAV:calendar-timezone),
//     else UTC.
// Intl formatters are cached per converter; create one converter per request or per batch.
import ICAL from 'ical.js'

export interface TimeConverter {
  /** UTC milliseconds of `time`; `tzid` is the TZID parameter of the property it came from, if any. */
  toEpochMs(time: ICAL.Time, tzid?: string | null): number
}

export interface TimeConverterOptions {
  /** The zone floating times are read in (calendar-timezone); null = UTC. */
  floatingZone?: ICAL.Timezone | null
}

/** True when the runtime knows this IANA zone name. */
export function isKnownTimeZone(tzid: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tzid })
    return true
  } catch {
    return false
  }
}

export function createTimeConverter(options: TimeConverterOptions = {}): TimeConverter {
  const formatters = new Map<string, Intl.DateTimeFormat | null>()

  const formatterFor = (tzid: string): Intl.DateTimeFormat | null => {
    let f = formatters.get(tzid)
    if (f !== undefined) return f
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tzid,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      })
    } catch {
      f = null
    }
    formatters.set(tzid, f)
    return f
  }

  /** Offset of `zone` from UTC at instant `ms`, in ms. */
  const offsetAt = (format: Intl.DateTimeFormat, ms: number): number => {
    const parts: Record<string, number> = {}
    for (const p of format.formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value)
    const wall = Date.UTC(
      parts.year ?? 1970,
      (parts.month ?? 1) - 1,
      parts.day ?? 1,
      parts.hour ?? 0,
      parts.minute ?? 0,
      parts.second ?? 0,
    )
    return wall - Math.floor(ms / 1000) * 1000
  }

  const wallClockMs = (t: ICAL.Time) => Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second)

  return {
    toEpochMs(time, tzid) {
      const zone = time.zone?.tzid
      if (zone && zone !== 'floating') return time.toUnixTime() * 1000
      if (tzid) {
        const format = formatterFor(tzid)
        if (format) {
          // Wall time → instant: subtract the offset at the first guess, then re-check once at the
          // result (the offset may differ across a DST change between the two).
          const wall = wallClockMs(time)
          const guess = wall - offsetAt(format, wall)
          return wall - offsetAt(format, guess)
        }
      }
      if (options.floatingZone) {
        const local = time.clone()
        local.zone = options.floatingZone
        return local.toUnixTime() * 1000
      }
      return wallClockMs(time)
    },
  }
}

/** RFC 4791 §9.9: time-range start/end are UTC date-times "YYYYMMDDTHHMMSSZ". Null when malformed. */
export function parseUtcDateTime(value: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value.trim())
  if (!m) return null
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number]
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null
  return Date.UTC(y, mo - 1, d, h, mi, s)
}

/** UTC milliseconds as "YYYYMMDDTHHMMSSZ". */
export function formatUtcDateTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z')
}
