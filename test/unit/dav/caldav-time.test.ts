// Time handling for CalDAV: UTC conversion (VTIMEZONE, IANA fallback across DST, floating times),
// time-range parsing, the RFC 4791 §9.9 overlap table per component type, and instance expansion.
import { describe, expect, test } from 'bun:test'
import ICAL from 'ical.js'
import { calendarInstances, type InstanceTimes, instanceTimes } from '../../../src/dav/caldav/calendar-instances.ts'
import { parseCalendarObject } from '../../../src/dav/caldav/parse-calendar-object.ts'
import { createTimeConverter, formatUtcDateTime, parseUtcDateTime } from '../../../src/dav/caldav/time-converter.ts'
import { instanceMatches, instanceSpan } from '../../../src/dav/caldav/time-range-match.ts'
import { BERLIN_VTIMEZONE, crlf, weeklyBerlinEvent } from '../../interop/dav/support/fixtures.ts'

const utc = (s: string) => {
  const ms = parseUtcDateTime(s)
  if (ms === null) throw new Error(`bad fixture time ${s}`)
  return ms
}

describe('parseUtcDateTime / formatUtcDateTime', () => {
  test.each([
    ['20250301T100000Z', Date.UTC(2025, 2, 1, 10)],
    [' 19700101T000000Z ', 0],
    ['20250301T100000', null],
    ['2025-03-01T10:00:00Z', null],
    ['20251301T000000Z', null],
    ['20250301T250000Z', null],
    ['', null],
  ])('%p', (text, expected) => {
    expect(parseUtcDateTime(text)).toBe(expected)
  })

  test('round trip', () => {
    expect(formatUtcDateTime(Date.UTC(2025, 2, 1, 10, 5, 7))).toBe('20250301T100507Z')
  })
})

describe('createTimeConverter', () => {
  const timeOf = (text: string) => {
    const cal = new ICAL.Component(ICAL.parse(text))
    const prop = cal.getFirstSubcomponent('vevent')?.getFirstProperty('dtstart')
    if (!prop) throw new Error('no DTSTART')
    return { time: prop.getFirstValue() as ICAL.Time, tzid: prop.getParameter('tzid') as string | undefined }
  }
  const event = (dtstart: string, zones: string[] = []) =>
    crlf(['BEGIN:VCALENDAR', 'VERSION:2.0', ...zones, 'BEGIN:VEVENT', 'UID:x', dtstart, 'END:VEVENT', 'END:VCALENDAR'])

  test.each([
    ['UTC', event('DTSTART:20250301T100000Z'), '20250301T100000Z'],
    ['VTIMEZONE winter', event('DTSTART;TZID=Europe/Berlin:20250301T100000', BERLIN_VTIMEZONE), '20250301T090000Z'],
    ['VTIMEZONE summer', event('DTSTART;TZID=Europe/Berlin:20250701T100000', BERLIN_VTIMEZONE), '20250701T080000Z'],
    ['IANA without VTIMEZONE, winter', event('DTSTART;TZID=America/New_York:20250301T100000'), '20250301T150000Z'],
    ['IANA without VTIMEZONE, summer', event('DTSTART;TZID=America/New_York:20250701T100000'), '20250701T140000Z'],
    ['IANA, the day DST starts', event('DTSTART;TZID=America/New_York:20250309T120000'), '20250309T160000Z'],
    ['floating read as UTC', event('DTSTART:20250301T100000'), '20250301T100000Z'],
    ['all-day date', event('DTSTART;VALUE=DATE:20250301'), '20250301T000000Z'],
  ])('%s', (_name, text, expected) => {
    const { time, tzid } = timeOf(text)
    expect(formatUtcDateTime(createTimeConverter().toEpochMs(time, tzid))).toBe(expected)
  })

  test('floating times use the calendar zone when one is given', () => {
    const zoneCal = new ICAL.Component(ICAL.parse(crlf(['BEGIN:VCALENDAR', ...BERLIN_VTIMEZONE, 'END:VCALENDAR'])))
    const vtimezone = zoneCal.getFirstSubcomponent('vtimezone')
    if (!vtimezone) throw new Error('no VTIMEZONE')
    const floatingZone = new ICAL.Timezone({ component: vtimezone, tzid: 'Europe/Berlin' })
    const { time } = timeOf(event('DTSTART:20250301T100000'))
    expect(formatUtcDateTime(createTimeConverter({ floatingZone }).toEpochMs(time, null))).toBe('20250301T090000Z')
  })
})

describe('instanceMatches (RFC 4791 §9.9)', () => {
  const none: InstanceTimes = {
    start: null,
    startIsDate: false,
    end: null,
    duration: null,
    due: null,
    completed: null,
    created: null,
  }
  const t = (over: Partial<InstanceTimes>): InstanceTimes => ({ ...none, ...over })
  const H = 3_600_000
  const T0 = utc('20250301T100000Z')
  const range = (fromH: number, toH: number) => ({ start: T0 + fromH * H, end: T0 + toH * H })

  test.each([
    // VEVENT with DTEND: [10:00, 11:00)
    ['VEVENT', t({ start: T0, end: T0 + H }), range(-1, 0), false],
    ['VEVENT', t({ start: T0, end: T0 + H }), range(-1, 0.5), true],
    ['VEVENT', t({ start: T0, end: T0 + H }), range(0.5, 2), true],
    ['VEVENT', t({ start: T0, end: T0 + H }), range(1, 2), false],
    // DURATION
    ['VEVENT', t({ start: T0, duration: 2 * H }), range(1.5, 3), true],
    ['VEVENT', t({ start: T0, duration: 2 * H }), range(2, 3), false],
    // zero duration: matches when start <= DTSTART < end
    ['VEVENT', t({ start: T0 }), range(0, 1), true],
    ['VEVENT', t({ start: T0 }), range(-1, 0), false],
    ['VEVENT', t({ start: T0, duration: 0 }), range(-1, 0.1), true],
    // all-day: one day long
    ['VEVENT', t({ start: T0, startIsDate: true }), range(23, 25), true],
    ['VEVENT', t({ start: T0, startIsDate: true }), range(24, 25), false],
    ['VEVENT', t({}), range(-100, 100), false],
    // VTODO rows of the table
    ['VTODO', t({ start: T0, duration: H }), range(1, 2), true],
    ['VTODO', t({ start: T0, duration: H }), range(1.01, 2), false],
    ['VTODO', t({ start: T0, due: T0 + H }), range(0.5, 0.6), true],
    ['VTODO', t({ start: T0, due: T0 + H }), range(1, 2), false],
    ['VTODO', t({ start: T0 }), range(0, 1), true],
    ['VTODO', t({ start: T0 }), range(0.1, 1), false],
    ['VTODO', t({ due: T0 }), range(-1, 0), true],
    ['VTODO', t({ due: T0 }), range(0, 1), false],
    ['VTODO', t({ completed: T0 + H, created: T0 }), range(0.5, 0.6), true],
    ['VTODO', t({ completed: T0 + H, created: T0 }), range(-1, 0), true],
    ['VTODO', t({ completed: T0 + H, created: T0 }), range(2, 3), false],
    ['VTODO', t({ completed: T0 + H, created: T0 }), range(-3, -2), false],
    ['VTODO', t({ completed: T0 }), range(-1, 0), true],
    ['VTODO', t({ completed: T0 }), range(-1, -0.5), false],
    ['VTODO', t({ created: T0 }), range(-1, 0.5), true],
    ['VTODO', t({ created: T0 }), range(-2, -1), false],
    ['VTODO', t({}), range(-1, 0), true],
    // VJOURNAL
    ['VJOURNAL', t({ start: T0 }), range(0, 1), true],
    ['VJOURNAL', t({ start: T0 }), range(-1, 0), false],
    ['VJOURNAL', t({ start: T0, startIsDate: true }), range(20, 30), true],
    ['VJOURNAL', t({}), range(-100, 100), false],
    ['VFREEBUSY', t({ start: T0, end: T0 + H }), range(-100, 100), false],
  ] as const)('%s %o in %o → %p', (type, times, r, expected) => {
    expect(instanceMatches(type, times, r)).toBe(expected)
  })

  test('instanceSpan bounds every range the instance matches', () => {
    expect(instanceSpan('VEVENT', t({ start: T0, end: T0 + H }))).toEqual({ lo: T0, hi: T0 + H })
    expect(instanceSpan('VTODO', t({}))).toEqual({ lo: null, hi: null })
    expect(instanceSpan('VTODO', t({ created: T0 }))).toEqual({ lo: T0, hi: null })
    expect(instanceSpan('VTODO', t({ start: T0, duration: 2 * H }))).toEqual({ lo: T0, hi: T0 + 2 * H })
  })
})

describe('calendarInstances', () => {
  test('expands RRULE with EXDATE and a RECURRENCE-ID override across DST', () => {
    const obj = parseCalendarObject(weeklyBerlinEvent('w'))
    const converter = createTimeConverter()
    const starts = [...calendarInstances(obj.components, converter, { maxInstances: 100 })].map(i => {
      const times = instanceTimes(i, converter)
      return `${formatUtcDateTime(times.start ?? 0)}-${formatUtcDateTime(times.end ?? 0)}`
    })
    expect(starts).toEqual([
      '20250301T090000Z-20250301T100000Z',
      '20250308T090000Z-20250308T100000Z',
      '20250329T090000Z-20250329T100000Z',
      '20250405T080000Z-20250405T090000Z',
      '20250412T080000Z-20250412T090000Z',
      '20250419T080000Z-20250419T090000Z',
      '20250322T140000Z-20250322T150000Z', // the override, after the master's instances
    ])
  })

  test('stops at `until` and at maxInstances for unbounded rules', () => {
    const daily = parseCalendarObject(
      crlf([
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'BEGIN:VEVENT',
        'UID:d',
        'DTSTART:20250101T080000Z',
        'RRULE:FREQ=DAILY',
        'END:VEVENT',
        'END:VCALENDAR',
      ]),
    )
    const converter = createTimeConverter()
    expect(
      [...calendarInstances(daily.components, converter, { maxInstances: 1000, until: utc('20250111T000000Z') })]
        .length,
    ).toBe(10)
    expect([...calendarInstances(daily.components, converter, { maxInstances: 50 })].length).toBe(50)
  })
})
