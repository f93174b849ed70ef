// REPORT calendar-multiget (RFC 4791 §7.9) and addressbook-multiget (RFC 6352 §8.7): the listed
// objects by href. An href that is not an object of this account's collection of the right kind,
// or does not exist, gets its own 404 response; the others are answered as requested.
import type { DavCollectionKind, DavCollectionRecord } from '../../storage/repositories/dav/dav-records.ts'
import { createTimeConverter } from '../caldav/time-converter.ts'
import type { DavRequest } from '../dav-context.ts'
import { badRequest } from '../dav-error.ts'
import { parseDavPath, type DavTarget } from '../dav-paths.ts'
import { type MultistatusEntry, multistatusResponse } from '../multistatus.ts'
import { NS } from '../xml/dav-namespaces.ts'
import type { XmlElement } from '../xml/parse-dav-xml.ts'
import { findChildren, textContent } from '../xml/xml-elements.ts'
import { storedTimezone } from '../caldav/calendar-timezone.ts'
import { MAX_QUERY_INSTANCES } from './calendar-query.ts'
import { objectEntry } from './object-entry.ts'
import { parseReportProps } from './report-props.ts'
import { reportTarget } from './report-target.ts'

function hrefPath(href: string, base: URL): string | null {
  try {
    return new URL(href.trim(), base).pathname
  } catch {
    return null
  }
}

export async function multiget(
  req: DavRequest,
  target: DavTarget,
  root: XmlElement,
  kind: DavCollectionKind,
): Promise<Response> {
  await reportTarget(req, target, kind, root.localName ?? 'multiget')
  const hrefs = findChildren(root, NS.DAV, 'href').map(textContent)
  if (hrefs.length === 0) throw badRequest('multiget needs at least one DAV:href')
  const props = parseReportProps(root)
  const { repo } = req.services
  const owner = req.account.email.toLowerCase()

  // Group wanted object names by collection name, keeping each href as the client wrote it.
  const wanted = new Map<string, { href: string; name: string }[]>()
  const entries: MultistatusEntry[] = []
  for (const href of hrefs) {
    const path = hrefPath(href, req.url)
    const parsed = path === null ? null : parseDavPath(path)
    if (!parsed || parsed.type !== 'object' || parsed.kind !== kind || parsed.owner !== owner) {
      entries.push({ href, status: 404 })
      continue
    }
    const list = wanted.get(parsed.collection) ?? []
    list.push({ href, name: parsed.object })
    wanted.set(parsed.collection, list)
  }

  const collections = new Map<string, DavCollectionRecord | null>()
  for (const [collectionName, items] of wanted) {
    let collection = collections.get(collectionName)
    if (collection === undefined) {
      collection = await repo.getCollection(req.account.id, kind, collectionName)
      collections.set(collectionName, collection)
    }
    if (!collection) {
      for (const item of items) entries.push({ href: item.href, status: 404 })
      continue
    }
    const converter = createTimeConverter({ floatingZone: storedTimezone(collection.timezone) })
    const found = props.wantsData
      ? await repo.getObjects(
          collection.id,
          items.map(i => i.name),
        )
      : await Promise.all(items.map(i => repo.getObjectMeta(collection.id, i.name))).then(list =>
          list.filter(o => o !== null),
        )
    const byName = new Map(found.map(o => [o.name, o]))
    for (const item of items) {
      const object = byName.get(item.name)
      if (!object) entries.push({ href: item.href, status: 404 })
      else {
        const options = { props, converter, maxInstances: MAX_QUERY_INSTANCES, href: item.href }
        entries.push(await objectEntry(req, collection, object, options))
      }
    }
  }
  return multistatusResponse(entries)
}
