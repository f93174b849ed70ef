// REPORT sync-collection (RFC 6578 §3). An empty DAV:sync-token lists every member; a token from an
// earlier answer lists the members changed since (200 with the requested properties) and those
// removed since (404), then a new token. Tokens from another collection, or unknown to this one, fail
// with DAV:valid-sync-token (§3.2) so the client starts over. With DAV:limit the oldest changes come
// first and the collection itself gets a 507 response; the token then points just past what was
// returned (§3.6), so the next request continues from there.
import type { DavObjectMeta } from '../../storage/repositories/dav/dav-records.ts'
import { isMailError } from '../../core/errors.ts'
import { createTimeConverter } from '../caldav/time-converter.ts'
import type { DavRequest } from '../dav-context.ts'
import { badRequest, davPrecondition } from '../dav-error.ts'
import { hrefOf } from '../dav-hrefs.ts'
import { objectHref, type DavTarget } from '../dav-paths.ts'
import { resolveResource } from '../dav-resource.ts'
import { type MultistatusEntry, multistatusResponse } from '../multistatus.ts'
import { parseSyncToken, syncTokenOf } from '../sync-token.ts'
import { NS, clark } from '../xml/dav-namespaces.ts'
import type { XmlElement } from '../xml/parse-dav-xml.ts'
import { findChild, textContent } from '../xml/xml-elements.ts'
import { el } from '../xml/xml-writer.ts'
import { parseLimit } from './addressbook-query.ts'
import { MAX_QUERY_INSTANCES } from './calendar-query.ts'
import { objectEntry } from './object-entry.ts'
import { parseReportProps } from './report-props.ts'

const invalidToken = () =>
  davPrecondition(403, NS.DAV, 'valid-sync-token', 'the sync token is not valid here; sync from scratch')

export async function syncCollection(req: DavRequest, target: DavTarget, root: XmlElement): Promise<Response> {
  const resource = await resolveResource(req, target)
  if (resource.type !== 'collection') {
    throw davPrecondition(403, NS.DAV, 'supported-report', 'sync-collection works on calendars and address books')
  }
  const collection = resource.collection
  const tokenElement = findChild(root, NS.DAV, 'sync-token')
  const token = tokenElement ? textContent(tokenElement).trim() : ''
  const level = findChild(root, NS.DAV, 'sync-level')
  const levelText = level ? textContent(level).trim() : '1'
  // Collections here have no sub-collections, so "infinite" means the same as "1".
  if (levelText !== '1' && levelText !== 'infinite') throw badRequest('sync-level must be 1 or infinite')
  const limit = parseLimit(root, NS.DAV)
  const props = parseReportProps(root)
  const { repo } = req.services
  const options = { props, converter: createTimeConverter(), maxInstances: MAX_QUERY_INSTANCES }
  const entries: MultistatusEntry[] = []
  let newSeq = collection.syncSeq
  let truncated = false

  const answer = async (metas: DavObjectMeta[]) => {
    const objects = props.wantsData
      ? await repo.getObjects(
          collection.id,
          metas.map(m => m.name),
        )
      : metas
    const byName = new Map(objects.map(o => [o.name, o]))
    for (const meta of metas) {
      const object = byName.get(meta.name)
      if (object) entries.push(await objectEntry(req, collection, object, options))
    }
  }

  if (token === '') {
    let members = await repo.listObjects(collection.id)
    if (limit !== null && members.length > limit) {
      members = [...members].sort((a, b) => a.modSeq - b.modSeq).slice(0, limit)
      newSeq = members.at(-1)?.modSeq ?? 0
      truncated = true
    }
    await answer(members)
  } else {
    const seq = parseSyncToken(token, collection.id)
    if (seq === null) throw invalidToken()
    let changes: Awaited<ReturnType<typeof repo.changesSince>>
    try {
      changes = await repo.changesSince(collection.id, seq)
    } catch (e) {
      if (isMailError(e) && e.codes.code === 'dav_invalid_sync_token') throw invalidToken()
      throw e
    }
    if (limit !== null && changes.length > limit) {
      changes = changes.slice(0, limit)
      newSeq = changes.at(-1)?.seq ?? seq
      truncated = true
    }
    const changed: DavObjectMeta[] = []
    for (const change of changes) {
      const meta = change.deleted ? null : await repo.getObjectMeta(collection.id, change.name)
      if (meta) changed.push(meta)
      else
        entries.push({
          href: objectHref(collection.kind, req.account.email, collection.name, change.name),
          status: 404,
        })
    }
    await answer(changed)
  }
  if (truncated) {
    entries.push({
      href: hrefOf(req, resource),
      status: 507,
      error: el(clark(NS.DAV, 'number-of-matches-within-limits')),
    })
  }
  return multistatusResponse(entries, [el(clark(NS.DAV, 'sync-token'), [syncTokenOf(collection, newSeq)])])
}
