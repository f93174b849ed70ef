// One DAV:response for an object in a REPORT: the requested properties plus calendar-data or
// address-data, which only reports return (RFC 4791 §9.6, RFC 6352 §10.4). The body is the stored
// bytes as text, unless calendar-data asked for expanded instances.
import type { DavCollectionRecord, DavObjectMeta, DavObjectRecord } from '../../storage/repositories/dav/dav-records.ts'
import { expandCalendarData } from '../caldav/expand-calendar-data.ts'
import { parseCalendarObject } from '../caldav/parse-calendar-object.ts'
import type { TimeConverter } from '../caldav/time-converter.ts'
import type { DavRequest } from '../dav-context.ts'
import { hrefOf } from '../dav-hrefs.ts'
import type { DavResource } from '../dav-resource.ts'
import type { MultistatusEntry } from '../multistatus.ts'
import { buildPropstats, type ExtraProperties } from '../properties/build-propstats.ts'
import type { PropertyValue } from '../properties/property-definition.ts'
import { ADDRESS_DATA, CALENDAR_DATA, type ReportProps } from './report-props.ts'

export interface ObjectEntryOptions {
  props: ReportProps
  converter: TimeConverter
  maxInstances: number
  /** The href to answer with (multiget echoes the client's spelling); default: the canonical one. */
  href?: string
}

const decoder = new TextDecoder()

export async function objectEntry(
  req: DavRequest,
  collection: DavCollectionRecord,
  object: DavObjectMeta | DavObjectRecord,
  options: ObjectEntryOptions,
): Promise<MultistatusEntry> {
  const resource: DavResource = { type: 'object', collection, object }
  const body = 'body' in object ? object.body : null
  const data = (): PropertyValue => {
    if (body === null) return undefined
    const text = decoder.decode(body)
    const expand = options.props.expand
    if (expand && collection.kind === 'calendar') {
      try {
        return [expandCalendarData(parseCalendarObject(text), expand, options.converter, options.maxInstances)]
      } catch {
        return [text]
      }
    }
    return [text]
  }
  const extra: ExtraProperties = new Map([
    [CALENDAR_DATA, () => (collection.kind === 'calendar' ? data() : undefined)],
    [ADDRESS_DATA, () => (collection.kind === 'addressbook' ? data() : undefined)],
  ])
  return {
    href: options.href ?? hrefOf(req, resource),
    propstats: await buildPropstats(req, resource, options.props.request, extra),
  }
}
