// MKCALENDAR (RFC 4791 §5.3.1) and MKCOL, plain or extended (RFC 4918 §9.3, RFC 5689), creating a
// calendar below the calendar home or an address book below the address book home. The new
// collection's properties come from the body's DAV:set; a calendar without
// supported-calendar-component-set accepts every component type (RFC 4791 §5.2.3). A plain MKCOL
// without a body creates the home's kind of collection, as clients that create address books that
// way expect. Nested collections are not supported.
import type { DavRequest } from '../dav-context.ts'
import { DavError, davPrecondition, forbidden } from '../dav-error.ts'
import type { DavTarget } from '../dav-paths.ts'
import { ensureDefaults, ownedTarget } from '../dav-resource.ts'
import { ALL_CALENDAR_COMPONENTS } from '../default-collections.ts'
import { decodeUtf8, readBody } from '../read-body.ts'
import { NS } from '../xml/dav-namespaces.ts'
import { parseDavXmlRoot } from '../xml/parse-dav-xml.ts'
import { MAX_DEAD_PROPERTY_BYTES } from './proppatch.ts'
import { instructionsOf, planCollectionChanges, type PropertyInstruction } from './collection-property-changes.ts'

export async function handleMkcol(
  req: DavRequest,
  target: DavTarget,
  method: 'MKCOL' | 'MKCALENDAR',
): Promise<Response> {
  ownedTarget(req, target)
  if (target.type === 'root' || target.type === 'principals' || target.type === 'principal' || target.type === 'home') {
    throw new DavError(405, 'this collection already exists')
  }
  if (target.type === 'object') throw forbidden('collections cannot be nested inside calendars or address books')
  if (method === 'MKCALENDAR' && target.kind !== 'calendar') {
    throw forbidden('MKCALENDAR creates calendars below the calendar home')
  }
  const { repo } = req.services
  await ensureDefaults(req, target.kind)
  if (await repo.getCollection(req.account.id, target.kind, target.collection)) {
    throw davPrecondition(405, NS.DAV, 'resource-must-be-null', `${target.collection} already exists`)
  }
  const body = await readBody(req.request, req.services.settings.maxResourceSize)
  let instructions: PropertyInstruction[] = []
  if (body.byteLength > 0) {
    const media = (req.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
    // RFC 4918 §9.3: a body MKCOL does not understand is 415.
    if (media !== '' && media !== 'application/xml' && media !== 'text/xml') {
      throw new DavError(415, `${method} body must be XML, got ${media.slice(0, 60)}`)
    }
    const text = decodeUtf8(body, `${method} body`)
    const root =
      method === 'MKCALENDAR' ? parseDavXmlRoot(text, NS.CALDAV, 'mkcalendar') : parseDavXmlRoot(text, NS.DAV, 'mkcol')
    instructions = instructionsOf(root)
  }
  const plan = planCollectionChanges(target.kind, instructions, { creating: true })
  if (method === 'MKCOL' && plan.resourceKind !== undefined && plan.resourceKind !== target.kind) {
    throw davPrecondition(
      403,
      NS.DAV,
      'valid-resourcetype',
      `only ${target.kind === 'calendar' ? 'calendars' : 'address books'} can be created here`,
    )
  }
  if (plan.failures.size > 0) {
    throw forbidden(`cannot set ${[...plan.failures.keys()].join(', ')}`)
  }
  const { changes } = plan
  const properties = Object.fromEntries(
    Object.entries(changes.properties ?? {}).filter((e): e is [string, string] => e[1] !== null),
  )
  const deadBytes = Object.entries(properties).reduce((n, [k, v]) => n + k.length + v.length, 0)
  if (deadBytes > MAX_DEAD_PROPERTY_BYTES) throw new DavError(507, 'too much dead property data for one collection')
  await repo.createCollection({
    accountId: req.account.id,
    kind: target.kind,
    name: target.collection,
    displayName: changes.displayName ?? null,
    description: changes.description ?? null,
    color: changes.color ?? null,
    timezone: changes.timezone ?? null,
    components: target.kind === 'calendar' ? (plan.components ?? [...ALL_CALENDAR_COMPONENTS]) : null,
    properties,
  })
  return new Response(null, { status: 201, headers: { 'cache-control': 'no-cache' } })
}
