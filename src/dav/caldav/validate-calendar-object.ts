// PUT/COPY preconditions for calendar data (RFC 4791 §5.3.2.1): the body must be iCalendar
// (CALDAV:valid-calendar-data), one object of one component type and UID without METHOD
// (CALDAV:valid-calendar-object-resource), of a type the calendar accepts
// (CALDAV:supported-calendar-component). Dates, durations and recurrence rules are decoded here so
// bad values are refused at PUT instead of failing later queries. The bytes are never rewritten.
import ICAL from 'ical.js'
import { davPrecondition } from '../dav-error.ts'
import { NS } from '../xml/dav-namespaces.ts'
import { calendarInstances, DAY_MS, instanceTimes, isUnbounded } from './calendar-instances.ts'
import { CalendarDataError, type CalendarObject, parseCalendarObject } from './parse-calendar-object.ts'
import { createTimeConverter, isKnownTimeZone, type TimeConverter } from './time-converter.ts'
import { instanceSpan } from './time-range-match.ts'

export interface ValidatedCalendarObject {
  uid: string
  componentType: string
  /** Pre-filter bounds (schema-dav.ts); null = unbounded. */
  firstStart: number | null
  lastEnd: number | null
}

const DATE_PROPERTIES = ['dtstart', 'dtend', 'due', 'recurrence-id', 'completed', 'created', 'dtstamp', 'last-modified']

// Bounds expansion stops here; a rule with more instances is treated as unbounded.
const MAX_BOUND_INSTANCES = 10_000

function checkValues(obj: CalendarObject): void {
  const zones = new Set(
    obj.root.getAllSubcomponents('vtimezone').map(z => String(z.getFirstPropertyValue('tzid') ?? '')),
  )
  for (const component of obj.components) {
    for (const name of [...DATE_PROPERTIES, 'exdate', 'rdate']) {
      for (const prop of component.getAllProperties(name)) {
        const tzid = prop.getParameter('tzid')
        if (typeof tzid === 'string' && !zones.has(tzid) && !isKnownTimeZone(tzid)) {
          throw new CalendarDataError('valid-calendar-data', `TZID ${tzid} has no VTIMEZONE (RFC 5545 §3.2.19)`)
        }
        for (const value of prop.getValues()) {
          const time = value instanceof ICAL.Period ? value.start : value
          if (!(time instanceof ICAL.Time) || !Number.isFinite(time.toUnixTime())) {
            throw new CalendarDataError('valid-calendar-data', `${name.toUpperCase()} is not a valid date or date-time`)
          }
        }
      }
    }
    for (const prop of component.getAllProperties('rrule')) {
      const recur = prop.getFirstValue()
      if (!(recur instanceof ICAL.Recur) || !recur.freq) {
        throw new CalendarDataError('valid-calendar-data', 'RRULE is not a valid recurrence rule')
      }
    }
    const duration = component.getFirstPropertyValue('duration')
    if (component.hasProperty('duration') && !(duration instanceof ICAL.Duration)) {
      throw new CalendarDataError('valid-calendar-data', 'DURATION is not a valid duration')
    }
    checkComponentRules(obj.type, component)
  }
}

/** RFC 5545 §3.6.1-3.6.3 property rules that make a component's times ambiguous when broken. */
function checkComponentRules(type: string, c: ICAL.Component): void {
  const fail = (why: string) => new CalendarDataError('valid-calendar-data', `${type}: ${why}`)
  if (type === 'VEVENT') {
    if (!c.hasProperty('dtstart')) throw fail('DTSTART is required')
    if (c.hasProperty('dtend') && c.hasProperty('duration')) throw fail('DTEND and DURATION are exclusive')
  }
  if (type === 'VTODO') {
    if (c.hasProperty('due') && c.hasProperty('duration')) throw fail('DUE and DURATION are exclusive')
    if (c.hasProperty('duration') && !c.hasProperty('dtstart')) throw fail('DURATION requires DTSTART')
  }
  if ((type === 'VEVENT' || type === 'VTODO') && (c.hasProperty('rrule') || c.hasProperty('rdate'))) {
    if (!c.hasProperty('dtstart')) throw fail('a recurring component needs DTSTART')
  }
}

export function calendarBounds(
  obj: CalendarObject,
  converter: TimeConverter,
): { lo: number | null; hi: number | null } {
  let lo: number | null = Number.POSITIVE_INFINITY
  let hi: number | null = Number.NEGATIVE_INFINITY
  let count = 0
  for (const instance of calendarInstances(obj.components, converter, { maxInstances: MAX_BOUND_INSTANCES })) {
    count++
    const span = instanceSpan(obj.type, instanceTimes(instance, converter))
    lo = lo === null || span.lo === null ? null : Math.min(lo, span.lo)
    hi = hi === null || span.hi === null ? null : Math.max(hi, span.hi)
  }
  const master = obj.components.find(c => !c.hasProperty('recurrence-id'))
  if (master && (isUnbounded(master) || count >= MAX_BOUND_INSTANCES)) hi = null
  if (count === 0) return { lo: null, hi: null }
  // Widen by a day each side: floating times move with calendar-timezone (up to ±14 h).
  return {
    lo: lo === null || !Number.isFinite(lo) ? null : lo - DAY_MS,
    hi: hi === null || !Number.isFinite(hi) ? null : hi + DAY_MS,
  }
}

export function validateCalendarObject(
  text: string,
  allowedComponents: readonly string[] | null,
): ValidatedCalendarObject {
  let obj: CalendarObject
  try {
    obj = parseCalendarObject(text)
    checkValues(obj)
  } catch (e) {
    if (e instanceof CalendarDataError) throw davPrecondition(403, NS.CALDAV, e.condition, e.message)
    // ical.js decodes values lazily and throws plain errors for malformed ones (a DATE-TIME like
    // "2025-03-01"): those are invalid calendar data too.
    const why = `invalid value: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300)
    throw davPrecondition(403, NS.CALDAV, 'valid-calendar-data', why)
  }
  if (allowedComponents && !allowedComponents.includes(obj.type)) {
    throw davPrecondition(
      403,
      NS.CALDAV,
      'supported-calendar-component',
      `this calendar accepts ${allowedComponents.join(', ')}, not ${obj.type}`,
    )
  }
  let bounds: { lo: number | null; hi: number | null }
  try {
    bounds = calendarBounds(obj, createTimeConverter())
  } catch (e) {
    // ical.js throws on some rule combinations only while iterating.
    const why = `cannot expand the recurrence: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300)
    throw davPrecondition(403, NS.CALDAV, 'valid-calendar-data', why)
  }
  return { uid: obj.uid, componentType: obj.type, firstStart: bounds.lo, lastEnd: bounds.hi }
}
