// Evaluate a calendar-query filter against one calendar object resource (RFC 4791 §9.7). A
// comp-filter holds when some component of that name satisfies all of its prop-filters and nested
// comp-filters; with a time-range on the object's main component type, the test is per recurrence
// instance (§9.9), so a weekly event matches any week it occurs in, exceptions included.
import ICAL from 'ical.js'
import { textMatches } from '../text-match.ts'
import { calendarInstances, instanceTimes, timeOf } from './calendar-instances.ts'
import type { CompFilter, ParamFilter, PropFilter } from './calendar-filter.ts'
import type { CalendarObject } from './parse-calendar-object.ts'
import type { TimeConverter } from './time-converter.ts'
import { instanceMatches, type TimeRange } from './time-range-match.ts'

export interface FilterContext {
  converter: TimeConverter
  /** Cap on recurrence instances examined per object. */
  maxInstances: number
}

/** A property's value as text: multi-valued and structured values joined as written in iCalendar/vCard. */
export function propertyText(prop: ICAL.Property): string {
  return prop
    .getValues()
    .map(v => (Array.isArray(v) ? v.join(';') : typeof v === 'string' ? v : String(v)))
    .join(',')
}

function paramMatches(prop: ICAL.Property, filter: ParamFilter): boolean {
  const raw = prop.getParameter(filter.name.toLowerCase())
  const values = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw.map(String) : [String(raw)]
  if (filter.isNotDefined) return values.length === 0
  if (values.length === 0) return false
  const match = filter.textMatch
  return match === null || values.some(v => textMatches(match, v))
}

function propInRange(prop: ICAL.Property, range: TimeRange, ctx: FilterContext): boolean {
  const value = prop.getFirstValue()
  if (!(value instanceof ICAL.Time)) return false
  const tzid = prop.getParameter('tzid')
  const ms = ctx.converter.toEpochMs(value, typeof tzid === 'string' ? tzid : null)
  return range.start <= ms && ms < range.end
}

function propFilterMatches(component: ICAL.Component, filter: PropFilter, ctx: FilterContext): boolean {
  const props = component.getAllProperties(filter.name.toLowerCase())
  if (filter.isNotDefined) return props.length === 0
  return props.some(
    p =>
      (filter.timeRange === null || propInRange(p, filter.timeRange, ctx)) &&
      (filter.textMatch === null || textMatches(filter.textMatch, propertyText(p))) &&
      filter.paramFilters.every(f => paramMatches(p, f)),
  )
}

/** Prop-filters and nested comp-filters of `filter` on one component (its own time-range aside). */
function componentMatches(component: ICAL.Component, filter: CompFilter, ctx: FilterContext): boolean {
  return (
    filter.propFilters.every(f => propFilterMatches(component, f, ctx)) &&
    filter.compFilters.every(f => childFilterMatches(component, f, ctx))
  )
}

/** A comp-filter on a component nested below the object's main type (VALARM) or VTIMEZONE/VFREEBUSY. */
function childFilterMatches(parent: ICAL.Component, filter: CompFilter, ctx: FilterContext): boolean {
  const subs = parent.getAllSubcomponents(filter.name.toLowerCase())
  if (filter.isNotDefined) return subs.length === 0
  return subs.some(s => componentMatches(s, filter, ctx) && simpleRangeMatches(s, filter.timeRange, ctx))
}

/**
 * time-range on components without recurrence handling: VFREEBUSY by DTSTART/DTEND. A VALARM range
 * (§9.9, trigger times) is not evaluated: the alarm's presence is enough, so such queries may return
 * more objects than strictly match, never fewer.
 */
function simpleRangeMatches(component: ICAL.Component, range: TimeRange | null, ctx: FilterContext): boolean {
  if (range === null || component.name !== 'vfreebusy') return true
  const start = timeOf(component, 'dtstart', ctx.converter)?.ms
  const end = timeOf(component, 'dtend', ctx.converter)?.ms
  if (start === undefined || end === undefined) return false
  return range.start < end && range.end > start
}

function mainFilterMatches(obj: CalendarObject, filter: CompFilter, ctx: FilterContext): boolean {
  if (filter.isNotDefined || obj.type !== filter.name) return childFilterMatches(obj.root, filter, ctx)
  const range = filter.timeRange
  if (range === null || obj.type === 'VFREEBUSY') {
    return obj.components.some(c => componentMatches(c, filter, ctx) && simpleRangeMatches(c, range, ctx))
  }
  for (const instance of calendarInstances(obj.components, ctx.converter, {
    until: range.end,
    maxInstances: ctx.maxInstances,
  })) {
    if (
      instanceMatches(obj.type, instanceTimes(instance, ctx.converter), range) &&
      componentMatches(instance.component, filter, ctx)
    ) {
      return true
    }
  }
  return false
}

/** `top` is the VCALENDAR comp-filter (calendar-filter.ts). */
export function matchesCalendarFilter(obj: CalendarObject, top: CompFilter, ctx: FilterContext): boolean {
  if (top.isNotDefined) return false
  return (
    top.propFilters.every(f => propFilterMatches(obj.root, f, ctx)) &&
    top.compFilters.every(f => mainFilterMatches(obj, f, ctx))
  )
}
