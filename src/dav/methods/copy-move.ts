// COPY and MOVE of one object (RFC 4918 §9.8, §9.9) to another name or another collection of the
// same account and kind. The destination must accept the object (RFC 4791 §5.3.2.1
// supported-calendar-component, no-uid-conflict); Overwrite: F fails with 412 when the destination
// exists. Collections cannot be copied or moved.
import { isUidConflict } from '../../storage/repositories/dav/dav-errors.ts'
import type { DavRequest } from '../dav-context.ts'
import { DavError, davPrecondition, forbidden, preconditionFailed } from '../dav-error.ts'
import { destinationPath, objectHref, parseDavPath, type DavTarget } from '../dav-paths.ts'
import { loadCollection, ownedTarget } from '../dav-resource.ts'
import { checkConditions, conditionHeaders } from '../preconditions.ts'
import { NS, clark } from '../xml/dav-namespaces.ts'
import { el } from '../xml/xml-writer.ts'
import { checkQuota } from './quota.ts'

export async function handleCopyMove(req: DavRequest, target: DavTarget, move: boolean): Promise<Response> {
  ownedTarget(req, target)
  if (target.type !== 'object') throw forbidden('only calendar objects and vCards can be copied or moved')
  const header = req.headers.get('destination')
  if (!header) throw new DavError(400, 'Destination header is required')
  const destination = parseDavPath(destinationPath(header, req.url.href))
  if (!destination || destination.type !== 'object' || destination.kind !== target.kind) {
    throw forbidden(
      `the destination must be an object URL in another ${target.kind === 'calendar' ? 'calendar' : 'address book'}`,
    )
  }
  ownedTarget(req, destination)
  const overwrite = (req.headers.get('overwrite') ?? 'T').trim().toUpperCase()
  if (overwrite !== 'T' && overwrite !== 'F') throw new DavError(400, 'Overwrite must be T or F')
  const source = await loadCollection(req, target)
  const sourceObject = await req.services.repo.getObjectMeta(source.id, target.object)
  if (!sourceObject) throw new DavError(404, `no object named ${target.object}`)
  checkConditions(conditionHeaders(req.headers), sourceObject)
  const dest = await loadCollection(req, destination).catch(() => {
    throw new DavError(409, `no collection named ${destination.collection}`)
  })
  if (dest.id === source.id && destination.object === target.object) {
    throw forbidden('source and destination are the same resource')
  }
  if (dest.components && !dest.components.includes(sourceObject.componentType)) {
    throw davPrecondition(
      403,
      NS.CALDAV,
      'supported-calendar-component',
      `the destination accepts ${dest.components.join(', ')}, not ${sourceObject.componentType}`,
    )
  }
  if (!move) await checkQuota(req, sourceObject.size)
  try {
    const { created } = await req.services.repo.copyObject(
      { collectionId: source.id, name: target.object },
      { collectionId: dest.id, name: destination.object },
      {
        move,
        checkDestination: current => {
          if (current && overwrite === 'F') throw preconditionFailed('the destination exists and Overwrite is F')
        },
      },
    )
    return new Response(null, { status: created ? 201 : 204 })
  } catch (e) {
    if (!isUidConflict(e)) throw e
    const namespace = dest.kind === 'calendar' ? NS.CALDAV : NS.CARDDAV
    const href = objectHref(dest.kind, req.account.email, dest.name, e.existingName)
    throw davPrecondition(403, namespace, 'no-uid-conflict', e.message, [el(clark(NS.DAV, 'href'), [href])])
  }
}
