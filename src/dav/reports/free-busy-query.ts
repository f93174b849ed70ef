// REPORT free-busy-query (RFC 4791 §7.10): busy time of one calendar in a range, as a VFREEBUSY in a
// text/calendar body (not a multistatus). Events that are TRANSP:TRANSPARENT or STATUS:CANCELLED do
// not count; STATUS:TENTATIVE is BUSY-TENTATIVE (RFC 5545 §3.2.9). Periods are clipped to the range,
// merged per type and written in UTC (§7.10: "MUST be in UTC").
import { calendarInstances, eventEnd, instanceTimes } from '../caldav/calendar-instances.ts'
import { parseTimeRange } from '../caldav/calendar-filter.ts'
import { parseCalendarObject } from '../caldav/parse-calendar-object.ts'
import { createTimeConverter, formatUtcDateTime } from '../caldav/time-converter.ts'
import type { DavRequest } from '../dav-context.ts'
import { davPrecondition } from '../dav-error.ts'
import type { DavTarget } from '../dav-paths.ts'
import { NS } from '../xml/dav-namespaces.ts'
import type { XmlElement } from '../xml/parse-dav-xml.ts'
import { findChild } from '../xml/xml-elements.ts'
import { storedTimezone } from '../caldav/calendar-timezone.ts'
import { MAX_QUERY_INSTANCES } from './calendar-query.ts'
import { reportTarget } from './report-target.ts'

type Period = [number, number]

function merge(periods: Period[]): Period[] {
  const sorted = [...periods].sort((a, b) => a[0] - b[0])
  const out: Period[] = []
  for (const p of sorted) {
    const last = out.at(-1)
    if (last && p[0] <= last[1]) last[1] = Math.max(last[1], p[1])
    else out.push([p[0], p[1]])
  }
  return out
}

export async function freeBusyQuery(req: DavRequest, target: DavTarget, root: XmlElement): Promise<Response> {
  const { collection } = await reportTarget(req, target, 'calendar', 'free-busy-query')
  const rangeElement = findChild(root, NS.CALDAV, 'time-range')
  if (!rangeElement) throw davPrecondition(403, NS.CALDAV, 'valid-filter', 'free-busy-query needs a time-range')
  const range = parseTimeRange(rangeElement)
  if (!Number.isFinite(range.start) || !Number.isFinite(range.end)) {
    throw davPrecondition(403, NS.CALDAV, 'valid-filter', 'free-busy-query needs both start and end')
  }
  const converter = createTimeConverter({ floatingZone: storedTimezone(collection.timezone) })
  const objects = await req.services.repo.listObjectBodies(collection.id, { start: range.start, end: range.end })
  const busy: Record<'BUSY' | 'BUSY-TENTATIVE', Period[]> = { BUSY: [], 'BUSY-TENTATIVE': [] }
  const decoder = new TextDecoder()
  for (const object of objects) {
    if (object.componentType !== 'VEVENT') continue
    let parsed: ReturnType<typeof parseCalendarObject>
    try {
      parsed = parseCalendarObject(decoder.decode(object.body))
    } catch {
      continue
    }
    for (const instance of calendarInstances(parsed.components, converter, {
      until: range.end,
      maxInstances: MAX_QUERY_INSTANCES,
    })) {
      const c = instance.component
      if (String(c.getFirstPropertyValue('transp') ?? '').toUpperCase() === 'TRANSPARENT') continue
      const status = String(c.getFirstPropertyValue('status') ?? '').toUpperCase()
      if (status === 'CANCELLED') continue
      const times = instanceTimes(instance, converter)
      const end = eventEnd(times)
      if (times.start === null || end === null || end <= times.start) continue
      if (times.start >= range.end || end <= range.start) continue
      const period: Period = [Math.max(times.start, range.start), Math.min(end, range.end)]
      busy[status === 'TENTATIVE' ? 'BUSY-TENTATIVE' : 'BUSY'].push(period)
    }
  }
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//mail-server//CalDAV//EN',
    'BEGIN:VFREEBUSY',
    `DTSTAMP:${formatUtcDateTime(req.services.clock.now())}`,
    `DTSTART:${formatUtcDateTime(range.start)}`,
    `DTEND:${formatUtcDateTime(range.end)}`,
  ]
  for (const type of ['BUSY', 'BUSY-TENTATIVE'] as const) {
    for (const [s, e] of merge(busy[type])) {
      lines.push(`FREEBUSY;FBTYPE=${type}:${formatUtcDateTime(s)}/${formatUtcDateTime(e)}`)
    }
  }
  lines.push('END:VFREEBUSY', 'END:VCALENDAR', '')
  return new Response(lines.join('\r\n'), { status: 200, headers: { 'content-type': 'text/calendar; charset=utf-8' } })
}
