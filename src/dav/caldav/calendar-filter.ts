// The CALDAV:filter of calendar-query (RFC 4791 §9.7), parsed into plain data. The top level is one
// comp-filter for VCALENDAR (§9.7: "MUST contain exactly one comp-filter"). time-range bounds must be
// UTC (§9.9); a missing start or end is open.
import { davPrecondition } from '../dav-error.ts'
import { parseTextMatch, type TextMatch } from '../text-match.ts'
import { NS } from '../xml/dav-namespaces.ts'
import type { XmlElement } from '../xml/parse-dav-xml.ts'
import { childElements, findChild, isElement } from '../xml/xml-elements.ts'
import { OPEN_RANGE_END, OPEN_RANGE_START, type TimeRange } from './time-range-match.ts'
import { parseUtcDateTime } from './time-converter.ts'

export interface ParamFilter {
  name: string
  isNotDefined: boolean
  textMatch: TextMatch | null
}

export interface PropFilter {
  name: string
  isNotDefined: boolean
  timeRange: TimeRange | null
  textMatch: TextMatch | null
  paramFilters: ParamFilter[]
}

export interface CompFilter {
  /** Upper-case component name. */
  name: string
  isNotDefined: boolean
  timeRange: TimeRange | null
  propFilters: PropFilter[]
  compFilters: CompFilter[]
}

const invalidFilter = (why: string) => davPrecondition(403, NS.CALDAV, 'valid-filter', why)

export function parseTimeRange(element: XmlElement): TimeRange {
  const start = element.getAttribute('start')
  const end = element.getAttribute('end')
  if (!start && !end) throw invalidFilter('time-range needs start or end')
  const s = start ? parseUtcDateTime(start) : OPEN_RANGE_START
  const e = end ? parseUtcDateTime(end) : OPEN_RANGE_END
  if (s === null || e === null)
    throw invalidFilter('time-range start and end must be UTC date-times like 20250101T000000Z')
  if (e <= s) throw invalidFilter('time-range end must be after its start')
  return { start: s, end: e }
}

function nameOf(element: XmlElement): string {
  const name = element.getAttribute('name')
  if (!name) throw invalidFilter(`${element.localName} needs a name attribute`)
  return name.toUpperCase()
}

function parseParamFilter(element: XmlElement): ParamFilter {
  const textMatch = findChild(element, NS.CALDAV, 'text-match')
  return {
    name: nameOf(element),
    isNotDefined: findChild(element, NS.CALDAV, 'is-not-defined') !== undefined,
    textMatch: textMatch ? parseTextMatch(textMatch, NS.CALDAV, 'i;ascii-casemap') : null,
  }
}

function parsePropFilter(element: XmlElement): PropFilter {
  const timeRange = findChild(element, NS.CALDAV, 'time-range')
  const textMatch = findChild(element, NS.CALDAV, 'text-match')
  return {
    name: nameOf(element),
    isNotDefined: findChild(element, NS.CALDAV, 'is-not-defined') !== undefined,
    timeRange: timeRange ? parseTimeRange(timeRange) : null,
    textMatch: textMatch ? parseTextMatch(textMatch, NS.CALDAV, 'i;ascii-casemap') : null,
    paramFilters: childElements(element)
      .filter(c => isElement(c, NS.CALDAV, 'param-filter'))
      .map(parseParamFilter),
  }
}

export function parseCompFilter(element: XmlElement): CompFilter {
  const timeRange = findChild(element, NS.CALDAV, 'time-range')
  const children = childElements(element)
  return {
    name: nameOf(element),
    isNotDefined: findChild(element, NS.CALDAV, 'is-not-defined') !== undefined,
    timeRange: timeRange ? parseTimeRange(timeRange) : null,
    propFilters: children.filter(c => isElement(c, NS.CALDAV, 'prop-filter')).map(parsePropFilter),
    compFilters: children.filter(c => isElement(c, NS.CALDAV, 'comp-filter')).map(parseCompFilter),
  }
}

/** Parse CALDAV:filter; its single comp-filter must name VCALENDAR. */
export function parseCalendarFilter(filter: XmlElement): CompFilter {
  const comps = childElements(filter).filter(c => isElement(c, NS.CALDAV, 'comp-filter'))
  if (comps.length !== 1 || !comps[0]) throw invalidFilter('filter must contain exactly one comp-filter')
  const top = parseCompFilter(comps[0])
  if (top.name !== 'VCALENDAR') throw invalidFilter('the top comp-filter must name VCALENDAR')
  return top
}

/** The widest time range a filter can match, for the SQL pre-filter (null: no time constraint). */
export function filterTimeRange(top: CompFilter): TimeRange | null {
  // Only the component level below VCALENDAR bounds the object as a whole; when several
  // comp-filters have ranges, any of them may match, so take their union.
  const ranges = top.compFilters.filter(c => !c.isNotDefined).map(c => c.timeRange)
  if (ranges.length === 0 || ranges.some(r => r === null)) return null
  const list = ranges as TimeRange[]
  return { start: Math.min(...list.map(r => r.start)), end: Math.max(...list.map(r => r.end)) }
}
