// Parse a calendar object resource (RFC 4791 §4.1) with ical.js: one VCALENDAR whose components,
// VTIMEZONEs aside, are all of one type and share one UID. Throws CalendarDataError naming the CalDAV
// precondition the data fails; callers decide the status.
import ICAL from 'ical.js'

export const CALENDAR_COMPONENTS = ['VEVENT', 'VTODO', 'VJOURNAL', 'VFREEBUSY'] as const

export interface CalendarObject {
  root: ICAL.Component
  /** VEVENT, VTODO, VJOURNAL or VFREEBUSY. */
  type: string
  uid: string
  /** The components of `type` (master and overrides). */
  components: ICAL.Component[]
}

export type CalendarCondition = 'valid-calendar-data' | 'valid-calendar-object-resource'

export class CalendarDataError extends Error {
  constructor(
    readonly condition: CalendarCondition,
    message: string,
  ) {
    super(message)
    this.name = 'CalendarDataError'
  }
}

const invalidData = (message: string) => new CalendarDataError('valid-calendar-data', message)
const invalidObject = (message: string) => new CalendarDataError('valid-calendar-object-resource', message)

export function parseCalendarText(text: string): ICAL.Component {
  let jcal: unknown
  try {
    jcal = ICAL.parse(text)
  } catch (e) {
    throw invalidData(`not valid iCalendar: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300))
  }
  if (Array.isArray(jcal) && jcal.length === 0) throw invalidData('the body holds no iCalendar data')
  // ICAL.parse returns an array of components when the text holds more than one.
  if (!Array.isArray(jcal) || typeof jcal[0] !== 'string') {
    throw invalidObject('a calendar object resource holds exactly one VCALENDAR')
  }
  const root = new ICAL.Component(jcal as unknown[])
  if (root.name !== 'vcalendar') throw invalidData(`expected BEGIN:VCALENDAR, got BEGIN:${root.name.toUpperCase()}`)
  return root
}

/** Parse and check the structure; date values and the rest are checked in validate-calendar-object.ts. */
export function parseCalendarObject(text: string): CalendarObject {
  const root = parseCalendarText(text)
  if (root.getFirstPropertyValue('version') !== '2.0') throw invalidData('VERSION:2.0 is required (RFC 5545 §3.7.4)')
  // RFC 4791 §4.1: calendar object resources must not carry METHOD (that is iTIP).
  if (root.hasProperty('method')) throw invalidObject('calendar object resources must not contain METHOD')
  const components = root.getAllSubcomponents().filter(c => c.name !== 'vtimezone')
  const known = components.filter(c => (CALENDAR_COMPONENTS as readonly string[]).includes(c.name.toUpperCase()))
  const unknown = components.find(c => !known.includes(c) && !c.name.toLowerCase().startsWith('x-'))
  if (unknown) throw invalidData(`unknown component ${unknown.name.toUpperCase()}`)
  const first = known[0]
  if (!first) throw invalidObject('no VEVENT, VTODO, VJOURNAL or VFREEBUSY component')
  const type = first.name.toUpperCase()
  if (known.some(c => c.name.toUpperCase() !== type)) {
    throw invalidObject('all components of a calendar object resource must be of one type')
  }
  const uids = new Set(known.map(c => c.getFirstPropertyValue('uid')))
  const uid = known[0]?.getFirstPropertyValue('uid')
  if (typeof uid !== 'string' || uid.trim() === '') throw invalidObject('UID is required')
  if (uids.size !== 1) throw invalidObject('all components must have the same UID')
  const masters = known.filter(c => !c.hasProperty('recurrence-id'))
  if (masters.length > 1) throw invalidObject('more than one component without RECURRENCE-ID')
  return { root, type, uid, components: known }
}
