// calendar-data with <C:expand start end> (RFC 4791 §9.6.5): the object's instances that overlap the
// range, each as its own component with a RECURRENCE-ID, no RRULE/RDATE/EXDATE, and date-times in
// UTC (so no VTIMEZONE is needed). All-day dates stay dates. Objects that do not recur come back as
// one instance in UTC too.
import ICAL from 'ical.js'
import { calendarInstances, instanceTimes } from './calendar-instances.ts'
import type { CalendarObject } from './parse-calendar-object.ts'
import type { TimeConverter } from './time-converter.ts'
import { instanceMatches, type TimeRange } from './time-range-match.ts'

const TIME_PROPERTIES = ['dtstart', 'dtend', 'due'] as const

function utcTime(ms: number, isDate: boolean): ICAL.Time {
  const d = new Date(ms)
  if (isDate)
    return ICAL.Time.fromData({
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      isDate: true,
    })
  return ICAL.Time.fromJSDate(d, true)
}

function setTime(component: ICAL.Component, name: string, ms: number, isDate: boolean): void {
  const prop = component.getFirstProperty(name)
  if (!prop) return
  prop.removeParameter('tzid')
  prop.setValue(utcTime(ms, isDate))
}

export function expandCalendarData(
  obj: CalendarObject,
  range: TimeRange,
  converter: TimeConverter,
  maxInstances: number,
): string {
  const out = new ICAL.Component('vcalendar')
  // toJSON() hands out ical.js's internal arrays: clone them, or edits would reach the parsed object.
  for (const prop of obj.root.getAllProperties()) out.addProperty(new ICAL.Property(structuredClone(prop.toJSON())))
  for (const instance of calendarInstances(obj.components, converter, { until: range.end, maxInstances })) {
    if (!instanceMatches(obj.type, instanceTimes(instance, converter), range)) continue
    const copy = new ICAL.Component(structuredClone(instance.component.toJSON()))
    for (const name of ['rrule', 'rdate', 'exdate']) copy.removeAllProperties(name)
    for (const name of TIME_PROPERTIES) {
      const prop = instance.component.getFirstProperty(name)
      const value = prop?.getFirstValue()
      if (!prop || !(value instanceof ICAL.Time)) continue
      const tzid = prop.getParameter('tzid')
      const ms = converter.toEpochMs(value, typeof tzid === 'string' ? tzid : null) + instance.shiftMs
      setTime(copy, name, ms, value.isDate)
    }
    if (instance.recurrenceId) {
      const ridProp = instance.component.getFirstProperty('recurrence-id')
      const tzid = ridProp?.getParameter('tzid') ?? instance.component.getFirstProperty('dtstart')?.getParameter('tzid')
      const ms = converter.toEpochMs(instance.recurrenceId, typeof tzid === 'string' ? tzid : null)
      copy.removeAllProperties('recurrence-id')
      const rid = new ICAL.Property('recurrence-id')
      rid.setValue(utcTime(ms, instance.recurrenceId.isDate))
      copy.addProperty(rid)
    }
    out.addSubcomponent(copy)
  }
  // ical.js ends the last line without CRLF; RFC 5545 §3.1 ends every content line with one.
  return `${out.toString()}\r\n`
}
