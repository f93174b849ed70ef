// REPORT addressbook-query (RFC 6352 §8.6): the address book's vCards matching a filter, at most
// CARDDAV:limit/nresults of them; when the limit cuts the answer short, the request-URI gets a 507
// response in the multistatus (§8.6.1).
import { matchesAddressbookFilter, parseAddressbookFilter } from '../carddav/addressbook-filter.ts'
import { parseVCard } from '../carddav/validate-vcard.ts'
import { createTimeConverter } from '../caldav/time-converter.ts'
import type { DavRequest } from '../dav-context.ts'
import { badRequest, davPrecondition } from '../dav-error.ts'
import { hrefOf } from '../dav-hrefs.ts'
import type { DavTarget } from '../dav-paths.ts'
import { type MultistatusEntry, multistatusResponse } from '../multistatus.ts'
import { NS } from '../xml/dav-namespaces.ts'
import type { XmlElement } from '../xml/parse-dav-xml.ts'
import { findChild, textContent } from '../xml/xml-elements.ts'
import { objectEntry } from './object-entry.ts'
import { parseReportProps } from './report-props.ts'
import { reportTarget } from './report-target.ts'

export function parseLimit(root: XmlElement, namespace: string): number | null {
  const limit = findChild(root, namespace, 'limit')
  if (!limit) return null
  const nresults = findChild(limit, namespace, 'nresults')
  const n = nresults ? Number(textContent(nresults).trim()) : Number.NaN
  if (!Number.isSafeInteger(n) || n < 1) throw badRequest('limit/nresults must be a positive integer')
  return n
}

export async function addressbookQuery(req: DavRequest, target: DavTarget, root: XmlElement): Promise<Response> {
  const { collection, objectName } = await reportTarget(req, target, 'addressbook', 'addressbook-query')
  const filterElement = findChild(root, NS.CARDDAV, 'filter')
  if (!filterElement) throw davPrecondition(403, NS.CARDDAV, 'valid-filter', 'addressbook-query needs a filter')
  const filter = parseAddressbookFilter(filterElement)
  const limit = parseLimit(root, NS.CARDDAV)
  const props = parseReportProps(root)
  const { repo } = req.services
  const candidates = objectName
    ? [await repo.getObject(collection.id, objectName)].filter(o => o !== null)
    : await repo.listObjectBodies(collection.id)
  const decoder = new TextDecoder()
  const entries: MultistatusEntry[] = []
  const options = { props, converter: createTimeConverter(), maxInstances: 0 }
  for (const object of candidates) {
    let matches = false
    try {
      matches = matchesAddressbookFilter(parseVCard(decoder.decode(object.body)), filter)
    } catch {
      continue
    }
    if (!matches) continue
    if (limit !== null && entries.length >= limit) {
      entries.push({
        href: hrefOf(req, { type: 'collection', collection }),
        status: 507,
        error: { name: `{${NS.DAV}}number-of-matches-within-limits`, children: [] },
      })
      break
    }
    entries.push(await objectEntry(req, collection, object, options))
  }
  return multistatusResponse(entries)
}
