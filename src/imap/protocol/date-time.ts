// IMAP dates (SEARCH SINCE 1-Feb-2024, RFC 9051 §9 `date`) and date-times (APPEND and
// INTERNALDATE, `"17-Jul-1996 02:44:25 -0700"`, RFC 9051 §9 `date-time`).
import { type ParseResult, parseFailure, parsed } from './parse-result.ts'

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const

/** A calendar day without time or zone: SEARCH compares dates, not instants (RFC 9051 §6.4.4). */
export interface ImapDate {
  year: number
  /** 1..12 */
  month: number
  day: number
}

export interface ImapDateTime {
  /** The instant. */
  date: Date
  /** The sender's zone, minutes east of UTC (-0700 → -420), kept for echoing INTERNALDATE. */
  offsetMinutes: number
}

const MONTH_INDEX = new Map(MONTHS.map((m, i) => [m.toUpperCase(), i + 1]))

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
const daysInMonth = (year: number, month: number) =>
  month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31

/** Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not. */
function utcMilliseconds(year: number, month: number, day: number, hour: number, minute: number, second: number) {
  const d = new Date(0)
  d.setUTCFullYear(year, month - 1, day)
  d.setUTCHours(hour, minute, second, 0)
  return d.getTime()
}

// date-text = date-day "-" date-month "-" date-year; date-day = 1*2DIGIT; date-year = 4DIGIT.
const DATE_TEXT = /^([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4})$/
// date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE
// date-day-fixed = (SP DIGIT) / 2DIGIT; a bare single digit is accepted too (clients send it).
const DATE_TIME =
  /^( ?[0-9]{1,2})-([A-Za-z]{3})-([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) ([+-])([0-9]{2})([0-9]{2})$/

function readDay(dayText: string, monthText: string, yearText: string): ParseResult<ImapDate> {
  const month = MONTH_INDEX.get(monthText.toUpperCase())
  if (month === undefined) return parseFailure(`Invalid month "${monthText}"`)
  const year = Number(yearText)
  const day = Number(dayText.trim())
  if (day < 1 || day > daysInMonth(year, month)) return parseFailure(`Invalid day ${day} for ${monthText} ${year}`)
  return parsed({ year, month, day })
}

/** `1-Feb-2024` (no quotes; the tokenizer removes them). */
export function parseImapDate(text: string): ParseResult<ImapDate> {
  const m = DATE_TEXT.exec(text)
  if (m === null) return parseFailure(`Invalid date "${text}" (expected e.g. 1-Feb-2024)`)
  return readDay(m[1] as string, m[2] as string, m[3] as string)
}

/** `17-Jul-1996 02:44:25 -0700` (no quotes). */
export function parseImapDateTime(text: string): ParseResult<ImapDateTime> {
  const m = DATE_TIME.exec(text)
  if (m === null) return parseFailure(`Invalid date-time "${text}" (expected e.g. "17-Jul-1996 02:44:25 -0700")`)
  const day = readDay(m[1] as string, m[2] as string, m[3] as string)
  if (!day.ok) return day
  const [hour, minute, second, zoneHours, zoneMinutes] = [m[4], m[5], m[6], m[8], m[9]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ]
  // RFC 5322 §3.3 allows second 60 (leap second); Date folds it into the next minute.
  if (hour > 23 || minute > 59 || second > 60) return parseFailure(`Invalid time in "${text}"`)
  if (zoneMinutes > 59) return parseFailure(`Invalid zone in "${text}"`)
  const offsetMinutes = (m[7] === '-' ? -1 : 1) * (zoneHours * 60 + zoneMinutes)
  const { year, month, day: dayOfMonth } = day.value
  const utc = utcMilliseconds(year, month, dayOfMonth, hour, minute, second) - offsetMinutes * 60_000
  return parsed({ date: new Date(utc), offsetMinutes })
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** `1-Feb-2024` */
export function formatImapDate(date: ImapDate): string {
  return `${date.day}-${MONTHS[date.month - 1]}-${pad(date.year, 4)}`
}

/** `17-Jul-1996 02:44:25 -0700` (date-day-fixed: a leading space for days 1-9), without quotes. */
export function formatImapDateTime(date: Date, offsetMinutes = 0): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000)
  const day = local.getUTCDate()
  const sign = offsetMinutes < 0 ? '-' : '+'
  const abs = Math.abs(offsetMinutes)
  return (
    `${day < 10 ? ` ${day}` : day}-${MONTHS[local.getUTCMonth()]}-${pad(local.getUTCFullYear(), 4)} ` +
    `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ` +
    `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  )
}

/** The calendar day of an instant in a zone (for SEARCH SINCE/BEFORE against INTERNALDATE). */
export function imapDateOf(date: Date, offsetMinutes = 0): ImapDate {
  const local = new Date(date.getTime() + offsetMinutes * 60_000)
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() }
}

/** Negative, zero or positive as a is before, on or after b. */
export function compareImapDates(a: ImapDate, b: ImapDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day
}
