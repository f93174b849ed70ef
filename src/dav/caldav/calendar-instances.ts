// The instances of one calendar object resource (RFC 4791 §9.9 evaluates time ranges per instance):
// the master component expanded by its RRULE/RDATE/EXDATE (ical.js RecurExpansion), with each
// instance that an override (a component with RECURRENCE-ID, RFC 5545 §3.8.4.4) replaces taken from
// that override instead. Instances of the master are the master's times shifted by the distance
// from DTSTART to the occurrence, so DTEND/DUE move with it.
import ICAL from 'ical.js'
import type { TimeConverter } from './time-converter.ts'

export interface CalendarInstance {
  /** The master (shifted) or an override (as written). */
  component: ICAL.Component
  /** Added to the master's DTSTART/DTEND/DUE for this occurrence; 0 for overrides and single objects. */
  shiftMs: number
  /** The occurrence's RECURRENCE-ID (for expanded output); null for non-recurring objects. */
  recurrenceId: ICAL.Time | null
}

export interface InstanceOptions {
  /** Stop generating master occurrences that start at or after this instant. */
  until?: number
  /** Generate at most this many master occurrences (unbounded rules, hostile data). */
  maxInstances: number
}

export interface InstanceTimes {
  start: number | null
  startIsDate: boolean
  end: number | null
  /** DURATION in ms, when present. */
  duration: number | null
  due: number | null
  completed: number | null
  created: number | null
}

const DAY_MS = 86_400_000

export const timeOf = (
  component: ICAL.Component,
  name: string,
  converter: TimeConverter,
): { ms: number; isDate: boolean } | null => {
  const prop = component.getFirstProperty(name)
  if (!prop) return null
  const value = prop.getFirstValue()
  if (!(value instanceof ICAL.Time)) return null
  const tzid = prop.getParameter('tzid')
  return { ms: converter.toEpochMs(value, typeof tzid === 'string' ? tzid : null), isDate: value.isDate }
}

export function isRecurring(component: ICAL.Component): boolean {
  return component.hasProperty('rrule') || component.hasProperty('rdate')
}

/** True when some RRULE has neither COUNT nor UNTIL: the set has no last instance. */
export function isUnbounded(component: ICAL.Component): boolean {
  return component.getAllProperties('rrule').some(p => {
    const recur = p.getFirstValue()
    return recur instanceof ICAL.Recur && !recur.count && !recur.until
  })
}

export function* calendarInstances(
  components: readonly ICAL.Component[],
  converter: TimeConverter,
  options: InstanceOptions,
): Generator<CalendarInstance> {
  const master = components.find(c => !c.hasProperty('recurrence-id'))
  const overrides = components.filter(c => c.hasProperty('recurrence-id'))
  if (master && isRecurring(master)) {
    const dtstartProp = master.getFirstProperty('dtstart')
    const dtstart = dtstartProp?.getFirstValue()
    if (dtstartProp && dtstart instanceof ICAL.Time) {
      const tzidParam = dtstartProp.getParameter('tzid')
      const tzid = typeof tzidParam === 'string' ? tzidParam : null
      const startMs = converter.toEpochMs(dtstart, tzid)
      const replaced = new Set(
        overrides.map(o => timeOf(o, 'recurrence-id', converter)?.ms).filter((ms): ms is number => ms !== undefined),
      )
      const expansion = new ICAL.RecurExpansion({ component: master, dtstart })
      let count = 0
      for (let next = expansion.next(); next; next = expansion.next()) {
        if (++count > options.maxInstances) break
        const ms = converter.toEpochMs(next, tzid)
        if (options.until !== undefined && ms >= options.until) break
        if (replaced.has(ms)) continue
        yield { component: master, shiftMs: ms - startMs, recurrenceId: next }
      }
    }
  } else if (master) {
    yield { component: master, shiftMs: 0, recurrenceId: null }
  }
  for (const override of overrides) {
    const rid = override.getFirstPropertyValue('recurrence-id')
    yield { component: override, shiftMs: 0, recurrenceId: rid instanceof ICAL.Time ? rid : null }
  }
}

export function instanceTimes(instance: CalendarInstance, converter: TimeConverter): InstanceTimes {
  const c = instance.component
  const shifted = (name: string) => {
    const t = timeOf(c, name, converter)
    return t === null ? null : { ms: t.ms + instance.shiftMs, isDate: t.isDate }
  }
  const start = shifted('dtstart')
  const durationValue = c.getFirstPropertyValue('duration')
  return {
    start: start?.ms ?? null,
    startIsDate: start?.isDate ?? false,
    end: shifted('dtend')?.ms ?? null,
    duration: durationValue instanceof ICAL.Duration ? durationValue.toSeconds() * 1000 : null,
    due: shifted('due')?.ms ?? null,
    completed: timeOf(c, 'completed', converter)?.ms ?? null,
    created: timeOf(c, 'created', converter)?.ms ?? null,
  }
}

/** The effective end of a VEVENT instance (RFC 4791 §9.9 table; RFC 5545 §3.6.1 defaults). */
export function eventEnd(times: InstanceTimes): number | null {
  if (times.start === null) return null
  if (times.end !== null) return times.end
  if (times.duration !== null) return times.start + times.duration
  return times.startIsDate ? times.start + DAY_MS : times.start
}

export { DAY_MS }
