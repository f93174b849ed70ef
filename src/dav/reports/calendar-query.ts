// REPORT calendar-query (RFC 4791 §7.8): the calendar's objects matching a filter. Objects whose
// stored bounds cannot overlap the filter's time range are skipped in SQL; the rest are parsed and
// tested exactly, recurrence instances and VTIMEZONE offsets included (caldav/match-calendar-filter.ts).
// Floating times are read in the request's <C:timezone>, else the calendar's calendar-timezone, else UTC.
import type ICAL from 'ical.js'
import { filterTimeRange, parseCalendarFilter } from '../caldav/calendar-filter.ts'
import { matchesCalendarFilter } from '../caldav/match-calendar-filter.ts'
import { storedTimezone, timezoneFrom } from '../caldav/calendar-timezone.ts'
import { CalendarDataError, parseCalendarObject } from '../caldav/parse-calendar-object.ts'
import { createTimeConverter } from '../caldav/time-converter.ts'
import type { DavRequest } from '../dav-context.ts'
import { davPrecondition } from '../dav-error.ts'
import type { DavTarget } from '../dav-paths.ts'
import { type MultistatusEntry, multistatusResponse } from '../multistatus.ts'
import { NS } from '../xml/dav-namespaces.ts'
import type { XmlElement } from '../xml/parse-dav-xml.ts'
import { findChild, textContent } from '../xml/xml-elements.ts'
import { objectEntry } from './object-entry.ts'
import { parseReportProps } from './report-props.ts'
import { reportTarget } from './report-target.ts'

/** Recurrence instances examined per object and query. */
export const MAX_QUERY_INSTANCES = 50_000

export async function calendarQuery(req: DavRequest, target: DavTarget, root: XmlElement): Promise<Response> {
  const { collection, objectName } = await reportTarget(req, target, 'calendar', 'calendar-query')
  const filterElement = findChild(root, NS.CALDAV, 'filter')
  if (!filterElement) throw davPrecondition(403, NS.CALDAV, 'valid-filter', 'calendar-query needs a filter')
  const filter = parseCalendarFilter(filterElement)
  const props = parseReportProps(root)
  const timezoneElement = findChild(root, NS.CALDAV, 'timezone')
  let floatingZone: ICAL.Timezone | null = storedTimezone(collection.timezone)
  if (timezoneElement) {
    try {
      floatingZone = timezoneFrom(textContent(timezoneElement))
    } catch (e) {
      if (!(e instanceof CalendarDataError)) throw e
      throw davPrecondition(403, NS.CALDAV, 'valid-calendar-data', `timezone: ${e.message}`)
    }
  }
  const converter = createTimeConverter({ floatingZone })
  const range = filterTimeRange(filter)
  const { repo } = req.services
  const candidates = objectName
    ? [await repo.getObject(collection.id, objectName)].filter(o => o !== null)
    : await repo.listObjectBodies(
        collection.id,
        range
          ? {
              start: Number.isFinite(range.start) ? range.start : null,
              end: Number.isFinite(range.end) ? range.end : null,
            }
          : undefined,
      )
  const decoder = new TextDecoder()
  const entries: MultistatusEntry[] = []
  const filterContext = { converter, maxInstances: MAX_QUERY_INSTANCES }
  for (const object of candidates) {
    let matches: boolean
    try {
      matches = matchesCalendarFilter(parseCalendarObject(decoder.decode(object.body)), filter, filterContext)
    } catch (e) {
      // Stored data was validated on PUT; an object ical.js cannot evaluate any more is left out
      // rather than failing the whole query.
      req.services.logger.warn('calendar-query skipped an object', {
        collection: collection.id,
        object: object.name,
        error: e instanceof Error ? e.message : String(e),
      })
      continue
    }
    if (matches)
      entries.push(await objectEntry(req, collection, object, { props, converter, maxInstances: MAX_QUERY_INSTANCES }))
  }
  return multistatusResponse(entries)
}
