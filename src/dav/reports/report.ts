// REPORT (RFC 3253 §3.6) dispatch by the body's root element. Reports this server does not know fail
// with DAV:supported-report (403), as RFC 3253 §3.6 requires.
import type { DavRequest } from '../dav-context.ts'
import { davPrecondition } from '../dav-error.ts'
import type { DavTarget } from '../dav-paths.ts'
import { decodeUtf8, readBody } from '../read-body.ts'
import { NS } from '../xml/dav-namespaces.ts'
import { parseDavXml, type XmlElement } from '../xml/parse-dav-xml.ts'
import { addressbookQuery } from './addressbook-query.ts'
import { calendarQuery } from './calendar-query.ts'
import { freeBusyQuery } from './free-busy-query.ts'
import { multiget } from './multiget.ts'
import { syncCollection } from './sync-collection.ts'

type ReportHandler = (req: DavRequest, target: DavTarget, root: XmlElement) => Promise<Response>

const REPORTS: Record<string, ReportHandler> = {
  [`{${NS.CALDAV}}calendar-query`]: calendarQuery,
  [`{${NS.CALDAV}}calendar-multiget`]: (req, target, root) => multiget(req, target, root, 'calendar'),
  [`{${NS.CALDAV}}free-busy-query`]: freeBusyQuery,
  [`{${NS.CARDDAV}}addressbook-query`]: addressbookQuery,
  [`{${NS.CARDDAV}}addressbook-multiget`]: (req, target, root) => multiget(req, target, root, 'addressbook'),
  [`{${NS.DAV}}sync-collection`]: syncCollection,
}

export async function handleReport(req: DavRequest, target: DavTarget): Promise<Response> {
  const root = parseDavXml(
    decodeUtf8(await readBody(req.request, req.services.settings.maxResourceSize), 'REPORT body'),
  )
  const handler = REPORTS[`{${root.namespaceURI ?? ''}}${root.localName}`]
  if (!handler) {
    throw davPrecondition(
      403,
      NS.DAV,
      'supported-report',
      `report {${root.namespaceURI ?? ''}}${root.localName} is not supported`,
    )
  }
  return handler(req, target, root)
}
