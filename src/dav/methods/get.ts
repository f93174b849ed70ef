// GET and HEAD (RFC 4918 §9.4). Objects come back byte for byte as stored, with their strong ETag,
// honouring If-None-Match (304) and If-Match (412). Collections and the other resources answer with a
// short text, so a browser pointed at a DAV URL sees what it is.
import type { DavRequest } from '../dav-context.ts'
import type { DavTarget } from '../dav-paths.ts'
import { resolveResource } from '../dav-resource.ts'
import { checkConditions, conditionHeaders } from '../preconditions.ts'

export async function handleGet(req: DavRequest, target: DavTarget, head: boolean): Promise<Response> {
  const resource = await resolveResource(req, target)
  if (resource.type !== 'object') {
    const what =
      resource.type === 'collection'
        ? `${resource.collection.kind === 'calendar' ? 'CalDAV calendar' : 'CardDAV address book'} "${resource.collection.displayName ?? resource.collection.name}"`
        : 'CalDAV/CardDAV server'
    const text = `${what}: use a calendar or contacts client with this URL.\n`
    return new Response(head ? null : text, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } })
  }
  checkConditions(conditionHeaders(req.headers), resource.object, { read: true })
  const object = await req.services.repo.getObject(resource.collection.id, resource.object.name)
  if (!object) return new Response('no such object\n', { status: 404 })
  return new Response(head ? null : object.body, {
    status: 200,
    headers: {
      'content-type': object.contentType,
      'content-length': String(object.size),
      etag: object.etag,
      'last-modified': new Date(object.updatedAt).toUTCString(),
    },
  })
}
