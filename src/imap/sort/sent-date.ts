// The "sent date" of RFC 5256 §2.2: the Date field (RFC 5322 §3.3) as an instant in UTC, or the
// INTERNALDATE when the field is missing or cannot be parsed. SORT (DATE) and both THREAD
// algorithms order by it, ties broken by the message sequence number.
//
// RFC 5322 §3.3 and the obsolete forms of §4.3: optional day of week, 2- and 3-digit years,
// optional seconds, comments anywhere, named zones (UT, GMT, EST ... PDT); military zones and
// unknown names mean "no information", i.e. +0000 (RFC 5322 §4.3).

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const NAMED_ZONES: Readonly<Record<string, number>> = {
  ut: 0,
  gmt: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
}

const DATE_TIME =
  /^(?:[a-z]+\s*,\s*)?(\d{1,2})\s*-?\s*([a-z]+)\s*-?\s*(\d{2,4})\s+(\d{1,2})\s*:\s*(\d{1,2})(?:\s*:\s*(\d{1,2}))?(?:\s+([+-]\d{4}|[a-z]+))?/i

/** Epoch milliseconds of an RFC 5322 date-time, or null when it is not one. */
export function parseSentDate(value: string | null): number | null {
  if (value === null) return null
  // CFWS: comments (not nested deeper than the text needs) are whitespace.
  const text = value.replace(/\([^()]*\)/g, ' ').trim()
  const m = DATE_TIME.exec(text)
  if (m === null) return null
  const day = Number(m[1])
  const month = MONTHS.indexOf((m[2] as string).slice(0, 3).toLowerCase())
  let year = Number(m[3])
  // RFC 5322 §4.3: 2-digit years 00-49 are 2000-2049, 50-99 and 3-digit years add 1900.
  if ((m[3] as string).length === 2) year += year < 50 ? 2000 : 1900
  else if ((m[3] as string).length === 3) year += 1900
  const hour = Number(m[4])
  const minute = Number(m[5])
  const second = m[6] === undefined ? 0 : Number(m[6])
  if (month < 0 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null
  const offset = zoneOffsetMinutes(m[7])
  const date = new Date(0)
  date.setUTCFullYear(year, month, day)
  date.setUTCHours(hour, minute, second, 0)
  if (date.getUTCDate() !== day) return null // 31 Feb and the like
  return date.getTime() - offset * 60_000
}

function zoneOffsetMinutes(zone: string | undefined): number {
  if (zone === undefined) return 0
  if (zone.startsWith('+') || zone.startsWith('-')) {
    const sign = zone.startsWith('-') ? -1 : 1
    return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)))
  }
  return NAMED_ZONES[zone.toLowerCase()] ?? 0
}

/** RFC 5256 §2.2: the Date field's instant, else the internal date. */
export function sentDate(dateField: string | null, internalDate: number): number {
  return parseSentDate(dateField) ?? internalDate
}
