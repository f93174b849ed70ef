// PUT of a calendar object or vCard (RFC 4918 §9.7, RFC 4791 §5.3.2, RFC 6352 §6.3.2). The body is
// validated, then stored byte-intact; If-Match / If-None-Match are checked inside the write
// transaction, so of two clients updating the same ETag exactly one wins and the other gets 412.
// The answer carries the new ETag: the stored bytes are the client's own (RFC 4791 §5.3.4).
import { isUidConflict } from '../../storage/repositories/dav/dav-errors.ts'
import type { DavRequest } from '../dav-context.ts'
import { DavError, davPrecondition, methodNotAllowed } from '../dav-error.ts'
import { objectHref, type DavTarget } from '../dav-paths.ts'
import { ownedTarget } from '../dav-resource.ts'
import { ensureDefaults } from '../dav-resource.ts'
import { checkConditions, conditionHeaders } from '../preconditions.ts'
import { readBody } from '../read-body.ts'
import { NS, clark } from '../xml/dav-namespaces.ts'
import { el } from '../xml/xml-writer.ts'
import { checkObjectContent } from './object-content.ts'
import { checkQuota } from './quota.ts'

export async function handlePut(req: DavRequest, target: DavTarget): Promise<Response> {
  ownedTarget(req, target)
  if (target.type !== 'object') throw methodNotAllowed('PUT is only allowed on calendar objects and vCards')
  await ensureDefaults(req, target.kind)
  const { repo } = req.services
  const collection = await repo.getCollection(req.account.id, target.kind, target.collection)
  // RFC 4918 §9.7.1: no parent collection is 409 Conflict.
  if (!collection) throw new DavError(409, `no collection named ${target.collection}`)
  const body = await readBody(req.request, req.services.settings.maxResourceSize)
  const content = checkObjectContent(collection, body, req.headers.get('content-type'))
  const conditions = conditionHeaders(req.headers)
  const existing = await repo.getObjectMeta(collection.id, target.object)
  await checkQuota(req, body.byteLength - (existing?.size ?? 0))
  try {
    const { object, created } = await repo.putObject(
      collection.id,
      { name: target.object, body, ...content },
      current => checkConditions(conditions, current),
    )
    return new Response(null, { status: created ? 201 : 204, headers: { etag: object.etag } })
  } catch (e) {
    if (!isUidConflict(e)) throw e
    const namespace = collection.kind === 'calendar' ? NS.CALDAV : NS.CARDDAV
    const href = objectHref(collection.kind, req.account.email, collection.name, e.existingName)
    throw davPrecondition(403, namespace, 'no-uid-conflict', e.message, [el(clark(NS.DAV, 'href'), [href])])
  }
}
