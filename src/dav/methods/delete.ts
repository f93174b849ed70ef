// DELETE (RFC 4918 §9.6) of an object (If-Match checked in the transaction) or of a whole calendar
// or address book with everything in it. Homes, principals and the root cannot be deleted.
import type { DavRequest } from '../dav-context.ts'
import { forbidden, notFound } from '../dav-error.ts'
import type { DavTarget } from '../dav-paths.ts'
import { loadCollection, ownedTarget } from '../dav-resource.ts'
import { checkConditions, conditionHeaders } from '../preconditions.ts'

export async function handleDelete(req: DavRequest, target: DavTarget): Promise<Response> {
  ownedTarget(req, target)
  const conditions = conditionHeaders(req.headers)
  if (target.type === 'object') {
    const collection = await loadCollection(req, target)
    const deleted = await req.services.repo.deleteObject(collection.id, target.object, current => {
      if (current === null && conditions.ifMatch === null) throw notFound(`no object named ${target.object}`)
      checkConditions(conditions, current)
    })
    if (!deleted) throw notFound(`no object named ${target.object}`)
    return new Response(null, { status: 204 })
  }
  if (target.type === 'collection') {
    const collection = await loadCollection(req, target)
    await req.services.repo.deleteCollection(collection.id)
    return new Response(null, { status: 204 })
  }
  throw forbidden('only calendars, address books and their objects can be deleted')
}
