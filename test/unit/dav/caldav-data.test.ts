// Calendar data: PUT validation (RFC 4791 §5.3.2.1 preconditions, with the stored pre-filter
// bounds), calendar-query filter parsing and evaluation (RFC 4791 §9.7) on recurring objects, and
// expanded calendar-data (§9.6.5).
import { describe, expect, test } from 'bun:test'
import { DOMParser } from '@xmldom/xmldom'
import { filterTimeRange, parseCalendarFilter } from '../../../src/dav/caldav/calendar-filter.ts'
import { expandCalendarData } from '../../../src/dav/caldav/expand-calendar-data.ts'
import { matchesCalendarFilter } from '../../../src/dav/caldav/match-calendar-filter.ts'
import { parseCalendarObject } from '../../../src/dav/caldav/parse-calendar-object.ts'
import { createTimeConverter, parseUtcDateTime } from '../../../src/dav/caldav/time-converter.ts'
import { validateCalendarObject } from '../../../src/dav/caldav/validate-calendar-object.ts'
import { DavError } from '../../../src/dav/dav-error.ts'
import { NS } from '../../../src/dav/xml/dav-namespaces.ts'
import { crlf, singleEvent, weeklyBerlinEvent } from '../../interop/dav/support/fixtures.ts'

const DAY = 86_400_000
const utc = (s: string) => parseUtcDateTime(s) ?? Number.NaN
const calendar = (...components: string[][]) =>
  crlf(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', ...components.flat(), 'END:VCALENDAR'])
const vevent = (...lines: string[]) => ['BEGIN:VEVENT', 'UID:u1', 'DTSTAMP:20250101T000000Z', ...lines, 'END:VEVENT']

describe('validateCalendarObject accepts', () => {
  test.each([
    ['a single event', singleEvent('a', 'A'), 'VEVENT', utc('20250301T100000Z') - DAY, utc('20250301T110000Z') + DAY],
    [
      'a recurring event with VTIMEZONE and override',
      weeklyBerlinEvent('w'),
      'VEVENT',
      utc('20250301T090000Z') - DAY,
      utc('20250419T090000Z') + DAY,
    ],
    [
      'an unbounded rule',
      calendar(vevent('DTSTART:20250301T100000Z', 'RRULE:FREQ=DAILY')),
      'VEVENT',
      utc('20250301T100000Z') - DAY,
      null,
    ],
    [
      'an all-day event',
      calendar(vevent('DTSTART;VALUE=DATE:20250301')),
      'VEVENT',
      utc('20250301T000000Z') - DAY,
      utc('20250302T000000Z') + DAY,
    ],
    [
      'an IANA TZID without VTIMEZONE',
      calendar(vevent('DTSTART;TZID=Asia/Tokyo:20250301T090000', 'DURATION:PT1H')),
      'VEVENT',
      utc('20250301T000000Z') - DAY,
      utc('20250301T010000Z') + DAY,
    ],
    ['a task without dates', calendar(['BEGIN:VTODO', 'UID:t', 'SUMMARY:x', 'END:VTODO']), 'VTODO', null, null],
    [
      'a task with DUE',
      calendar(['BEGIN:VTODO', 'UID:t', 'DUE:20250310T170000Z', 'END:VTODO']),
      'VTODO',
      utc('20250310T170000Z') - DAY,
      utc('20250310T170000Z') + DAY,
    ],
    [
      'a journal',
      calendar(['BEGIN:VJOURNAL', 'UID:j', 'DTSTART;VALUE=DATE:20250304', 'END:VJOURNAL']),
      'VJOURNAL',
      utc('20250304T000000Z') - DAY,
      utc('20250305T000000Z') + DAY,
    ],
    [
      'X- components beside the event',
      calendar(vevent('DTSTART:20250301T100000Z'), ['BEGIN:X-THING', 'X-A:1', 'END:X-THING']),
      'VEVENT',
      utc('20250301T100000Z') - DAY,
      utc('20250301T100000Z') + DAY,
    ],
    [
      'LF line ends',
      singleEvent('lf', 'LF').replace(/\r\n/g, '\n'),
      'VEVENT',
      utc('20250301T100000Z') - DAY,
      utc('20250301T110000Z') + DAY,
    ],
  ] as const)('%s', (_name, text, type, firstStart, lastEnd) => {
    const valid = validateCalendarObject(text, null)
    expect(valid.componentType).toBe(type)
    expect(valid.firstStart).toBe(firstStart)
    expect(valid.lastEnd).toBe(lastEnd)
  })
})

describe('validateCalendarObject refuses', () => {
  test.each([
    ['empty', '', 'valid-calendar-data'],
    ['a vCard', 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\nEND:VCARD\r\n', 'valid-calendar-data'],
    ['two calendars', singleEvent('a', 'A') + singleEvent('b', 'B'), 'valid-calendar-object-resource'],
    ['VERSION 1.0', singleEvent('a', 'A').replace('VERSION:2.0', 'VERSION:1.0'), 'valid-calendar-data'],
    ['an unknown component', calendar(['BEGIN:VWHATEVER', 'UID:x', 'END:VWHATEVER']), 'valid-calendar-data'],
    [
      'two masters',
      calendar(vevent('DTSTART:20250301T100000Z'), vevent('DTSTART:20250302T100000Z')),
      'valid-calendar-object-resource',
    ],
    [
      'an empty UID',
      calendar(['BEGIN:VEVENT', 'UID:', 'DTSTART:20250301T100000Z', 'END:VEVENT']),
      'valid-calendar-object-resource',
    ],
    ['a bad DTEND', calendar(vevent('DTSTART:20250301T100000Z', 'DTEND:tomorrow')), 'valid-calendar-data'],
    [
      'a bad EXDATE',
      calendar(vevent('DTSTART:20250301T100000Z', 'RRULE:FREQ=DAILY', 'EXDATE:x')),
      'valid-calendar-data',
    ],
    ['a bad DURATION', calendar(vevent('DTSTART:20250301T100000Z', 'DURATION:1 hour')), 'valid-calendar-data'],
    [
      'DUE with DURATION',
      calendar([
        'BEGIN:VTODO',
        'UID:t',
        'DTSTART:20250301T100000Z',
        'DUE:20250302T100000Z',
        'DURATION:PT1H',
        'END:VTODO',
      ]),
      'valid-calendar-data',
    ],
    [
      'DURATION without DTSTART on a task',
      calendar(['BEGIN:VTODO', 'UID:t', 'DURATION:PT1H', 'END:VTODO']),
      'valid-calendar-data',
    ],
    [
      'a rule without DTSTART on a task',
      calendar(['BEGIN:VTODO', 'UID:t', 'RRULE:FREQ=DAILY', 'END:VTODO']),
      'valid-calendar-data',
    ],
  ] as const)('%s', (_name, text, condition) => {
    let error: unknown
    try {
      validateCalendarObject(text, null)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(DavError)
    expect((error as DavError).status).toBe(403)
    expect((error as DavError).condition?.name).toBe(`{${NS.CALDAV}}${condition}`)
  })

  test('a component type outside the calendar’s set is supported-calendar-component', () => {
    let error: unknown
    try {
      validateCalendarObject(singleEvent('a', 'A'), ['VTODO'])
    } catch (e) {
      error = e
    }
    expect((error as DavError).condition?.name).toBe(`{${NS.CALDAV}}supported-calendar-component`)
  })
})

const filterOf = (inner: string) => {
  const xml = `<C:filter xmlns:C="${NS.CALDAV}"><C:comp-filter name="VCALENDAR">${inner}</C:comp-filter></C:filter>`
  const root = new DOMParser().parseFromString(xml, 'text/xml').documentElement
  if (!root) throw new Error('no root')
  return parseCalendarFilter(root)
}
const range = (start: string, end: string) => `<C:time-range start="${start}" end="${end}"/>`

describe('calendar-query filters', () => {
  const weekly = parseCalendarObject(weeklyBerlinEvent('w'))
  const withAlarm = parseCalendarObject(
    calendar(
      vevent(
        'DTSTART:20250301T100000Z',
        'SUMMARY:Dentist appointment',
        'ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x.test',
        'BEGIN:VALARM',
        'ACTION:DISPLAY',
        'TRIGGER:-PT15M',
        'END:VALARM',
      ),
    ),
  )
  const task = parseCalendarObject(
    calendar(['BEGIN:VTODO', 'UID:t', 'DUE:20250310T170000Z', 'STATUS:NEEDS-ACTION', 'END:VTODO']),
  )
  const ctx = { converter: createTimeConverter(), maxInstances: 1000 }

  test.each([
    ['any VEVENT', weekly, '<C:comp-filter name="VEVENT"/>', true],
    ['VTODO on an event', weekly, '<C:comp-filter name="VTODO"/>', false],
    ['VTODO is-not-defined', weekly, '<C:comp-filter name="VTODO"><C:is-not-defined/></C:comp-filter>', true],
    ['VTIMEZONE exists', weekly, '<C:comp-filter name="VTIMEZONE"/>', true],
    ['VTIMEZONE is-not-defined', weekly, '<C:comp-filter name="VTIMEZONE"><C:is-not-defined/></C:comp-filter>', false],
    [
      'an instance in range',
      weekly,
      `<C:comp-filter name="VEVENT">${range('20250405T080000Z', '20250405T083000Z')}</C:comp-filter>`,
      true,
    ],
    [
      'the excluded date',
      weekly,
      `<C:comp-filter name="VEVENT">${range('20250315T000000Z', '20250316T000000Z')}</C:comp-filter>`,
      false,
    ],
    [
      'the moved instance at its new time',
      weekly,
      `<C:comp-filter name="VEVENT">${range('20250322T140000Z', '20250322T141000Z')}</C:comp-filter>`,
      true,
    ],
    [
      'the moved instance at its old time',
      weekly,
      `<C:comp-filter name="VEVENT">${range('20250322T090000Z', '20250322T100000Z')}</C:comp-filter>`,
      false,
    ],
    [
      'range plus a summary only the override has',
      weekly,
      `<C:comp-filter name="VEVENT">${range('20250301T000000Z', '20250501T000000Z')}<C:prop-filter name="SUMMARY"><C:text-match>moved</C:text-match></C:prop-filter></C:comp-filter>`,
      true,
    ],
    [
      'range without the override plus its summary',
      weekly,
      `<C:comp-filter name="VEVENT">${range('20250401T000000Z', '20250501T000000Z')}<C:prop-filter name="SUMMARY"><C:text-match>moved</C:text-match></C:prop-filter></C:comp-filter>`,
      false,
    ],
    [
      'open-ended start',
      weekly,
      `<C:comp-filter name="VEVENT"><C:time-range end="20250302T000000Z"/></C:comp-filter>`,
      true,
    ],
    [
      'open-ended end after the series',
      weekly,
      `<C:comp-filter name="VEVENT"><C:time-range start="20250420T000000Z"/></C:comp-filter>`,
      false,
    ],
    [
      'UID by i;octet',
      weekly,
      '<C:comp-filter name="VEVENT"><C:prop-filter name="UID"><C:text-match collation="i;octet">w</C:text-match></C:prop-filter></C:comp-filter>',
      true,
    ],
    [
      'SUMMARY negated',
      withAlarm,
      '<C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:text-match negate-condition="yes">dentist</C:text-match></C:prop-filter></C:comp-filter>',
      false,
    ],
    [
      'LOCATION is-not-defined',
      withAlarm,
      '<C:comp-filter name="VEVENT"><C:prop-filter name="LOCATION"><C:is-not-defined/></C:prop-filter></C:comp-filter>',
      true,
    ],
    [
      'param-filter',
      withAlarm,
      '<C:comp-filter name="VEVENT"><C:prop-filter name="ATTENDEE"><C:param-filter name="PARTSTAT"><C:text-match>accepted</C:text-match></C:param-filter></C:prop-filter></C:comp-filter>',
      true,
    ],
    [
      'param-filter is-not-defined',
      withAlarm,
      '<C:comp-filter name="VEVENT"><C:prop-filter name="ATTENDEE"><C:param-filter name="ROLE"><C:is-not-defined/></C:param-filter></C:prop-filter></C:comp-filter>',
      true,
    ],
    ['nested VALARM', withAlarm, '<C:comp-filter name="VEVENT"><C:comp-filter name="VALARM"/></C:comp-filter>', true],
    [
      'nested VALARM on an event without one',
      weekly,
      '<C:comp-filter name="VEVENT"><C:comp-filter name="VALARM"/></C:comp-filter>',
      false,
    ],
    [
      'DTSTAMP time-range on a property',
      withAlarm,
      `<C:comp-filter name="VEVENT"><C:prop-filter name="DTSTAMP">${range('20241231T000000Z', '20250102T000000Z')}</C:prop-filter></C:comp-filter>`,
      true,
    ],
    [
      'task due in range',
      task,
      `<C:comp-filter name="VTODO">${range('20250310T000000Z', '20250311T000000Z')}</C:comp-filter>`,
      true,
    ],
    [
      'task due before range',
      task,
      `<C:comp-filter name="VTODO">${range('20250311T000000Z', '20250312T000000Z')}</C:comp-filter>`,
      false,
    ],
    [
      'task not completed',
      task,
      '<C:comp-filter name="VTODO"><C:prop-filter name="COMPLETED"><C:is-not-defined/></C:prop-filter><C:prop-filter name="STATUS"><C:text-match negate-condition="yes">CANCELLED</C:text-match></C:prop-filter></C:comp-filter>',
      true,
    ],
  ] as const)('%s', (_name, obj, inner, expected) => {
    expect(matchesCalendarFilter(obj, filterOf(inner), ctx)).toBe(expected)
  })

  test.each([
    ['<C:comp-filter name="VEVENT"/>', 'comp-filter for VCALENDAR wrong', 'VEVENT'],
    [range('20250101T000000', '20250102T000000Z'), 'local time', null],
    [range('20250102T000000Z', '20250101T000000Z'), 'end before start', null],
  ])('invalid filter %s (%s)', (inner, _why, top) => {
    const xml = top
      ? `<C:filter xmlns:C="${NS.CALDAV}"><C:comp-filter name="${top}"/></C:filter>`
      : `<C:filter xmlns:C="${NS.CALDAV}"><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">${inner}</C:comp-filter></C:comp-filter></C:filter>`
    const root = new DOMParser().parseFromString(xml, 'text/xml').documentElement
    if (!root) throw new Error('no root')
    expect(() => parseCalendarFilter(root)).toThrow(DavError)
  })

  test('filterTimeRange: the union of the ranges below VCALENDAR, none when any branch is unbounded', () => {
    const both = filterOf(
      `<C:comp-filter name="VEVENT">${range('20250101T000000Z', '20250102T000000Z')}</C:comp-filter><C:comp-filter name="VTODO">${range('20250105T000000Z', '20250106T000000Z')}</C:comp-filter>`,
    )
    expect(filterTimeRange(both)).toEqual({ start: utc('20250101T000000Z'), end: utc('20250106T000000Z') })
    expect(filterTimeRange(filterOf('<C:comp-filter name="VEVENT"/>'))).toBeNull()
  })
})

describe('expandCalendarData', () => {
  test('instances in range as UTC components with RECURRENCE-ID, no rules, no VTIMEZONE', () => {
    const text = expandCalendarData(
      parseCalendarObject(weeklyBerlinEvent('w')),
      { start: utc('20250320T000000Z'), end: utc('20250406T000000Z') },
      createTimeConverter(),
      1000,
    )
    expect(text).toEndWith('END:VCALENDAR\r\n')
    expect(text).not.toContain('VTIMEZONE')
    expect(text).not.toContain('RRULE')
    expect(text).not.toContain('EXDATE')
    const starts = [...text.matchAll(/^DTSTART:(\S+)\r$/gm)].map(m => m[1])
    expect(starts).toEqual(['20250329T090000Z', '20250405T080000Z', '20250322T140000Z'])
    expect([...text.matchAll(/^RECURRENCE-ID:(\S+)\r$/gm)].map(m => m[1])).toEqual([
      '20250329T090000Z',
      '20250405T080000Z',
      '20250322T090000Z',
    ])
    expect(text).toContain('PRODID:-//mail-server tests//EN\r\n')
  })

  test('all-day instances stay dates', () => {
    const text = expandCalendarData(
      parseCalendarObject(calendar(vevent('DTSTART;VALUE=DATE:20250301', 'RRULE:FREQ=DAILY;COUNT=3'))),
      { start: utc('20250302T000000Z'), end: utc('20250303T000000Z') },
      createTimeConverter(),
      1000,
    )
    expect(text).toContain('DTSTART;VALUE=DATE:20250302\r\n')
    expect(text).toContain('RECURRENCE-ID;VALUE=DATE:20250302\r\n')
  })
})
