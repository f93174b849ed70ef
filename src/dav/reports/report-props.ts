// The property part shared by every REPORT body (RFC 4791 §9.5, RFC 6352 §8.6, RFC 6578 §6.1):
// DAV:prop, DAV:allprop or DAV:propname. An absent part means allprop. Inside DAV:prop,
// CALDAV:calendar-data may carry <C:expand start end> (RFC 4791 §9.6.5).
import { NS, clark } from '../xml/dav-namespaces.ts'
import type { XmlElement } from '../xml/parse-dav-xml.ts'
import { findChild } from '../xml/xml-elements.ts'
import type { PropRequest } from '../properties/build-propstats.ts'
import { propNamesOf } from '../methods/parse-propfind.ts'
import { parseTimeRange } from '../caldav/calendar-filter.ts'
import type { TimeRange } from '../caldav/time-range-match.ts'

export const CALENDAR_DATA = clark(NS.CALDAV, 'calendar-data')
export const ADDRESS_DATA = clark(NS.CARDDAV, 'address-data')

export interface ReportProps {
  request: PropRequest
  /** calendar-data requested with <C:expand>: expand instances in this range. */
  expand: TimeRange | null
  /** True when calendar-data or address-data is requested (object bodies must be loaded). */
  wantsData: boolean
}

export function parseReportProps(root: XmlElement): ReportProps {
  const prop = findChild(root, NS.DAV, 'prop')
  if (!prop) {
    if (findChild(root, NS.DAV, 'propname')) return { request: { kind: 'propname' }, expand: null, wantsData: false }
    return { request: { kind: 'allprop', include: [] }, expand: null, wantsData: false }
  }
  const names = propNamesOf(prop)
  const calendarData = findChild(prop, NS.CALDAV, 'calendar-data')
  const expand = calendarData ? findChild(calendarData, NS.CALDAV, 'expand') : undefined
  return {
    request: { kind: 'prop', names },
    expand: expand ? parseTimeRange(expand) : null,
    wantsData: names.includes(CALENDAR_DATA) || names.includes(ADDRESS_DATA),
  }
}
