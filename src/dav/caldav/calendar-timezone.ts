// CALDAV:calendar-timezone and CALDAV:timezone values (RFC 4791 §5.2.2, §9.8): a VCALENDAR holding
// one VTIMEZONE, the zone floating times are read in.
import ICAL from 'ical.js'
import { parseCalendarText } from './parse-calendar-object.ts'

/** The VTIMEZONE in `text` as an ical.js zone; null when the text is empty or holds none. Throws on bad data. */
export function timezoneFrom(text: string | null): ICAL.Timezone | null {
  if (text === null || text.trim() === '') return null
  const vtimezone = parseCalendarText(text).getFirstSubcomponent('vtimezone')
  if (!vtimezone) return null
  return new ICAL.Timezone({ component: vtimezone, tzid: String(vtimezone.getFirstPropertyValue('tzid') ?? '') })
}

/** Like timezoneFrom, but a stored value that no longer parses counts as no zone (UTC). */
export function storedTimezone(text: string | null): ICAL.Timezone | null {
  try {
    return timezoneFrom(text)
  } catch {
    return null
  }
}
